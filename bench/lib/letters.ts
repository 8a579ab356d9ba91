import { PDFDocument, StandardFonts } from 'pdf-lib';

// Invented clinic-letter sentences: a page of them is about as much text as a typed letter.
const SENTENCES = [
  'Thank you for seeing this patient who presents with intermittent chest discomfort on exertion.',
  'Examination today showed a regular pulse of 72 beats per minute and blood pressure 134/82 mmHg.',
  'Bloods: haemoglobin 138 g/L, creatinine 84 umol/L, HbA1c 46 mmol/mol, cholesterol 5.2 mmol/L.',
  'Current medication: ramipril 5 mg once daily, atorvastatin 20 mg at night, aspirin 75 mg.',
  'I would be grateful for your opinion regarding further investigation and management.',
  'Plan: ECG and echocardiogram requested; review in the clinic in six weeks with results.',
] as const;

/**
 * A digital (text-layer) PDF of `pages` A4 pages of about 45 lines of typed text each,
 * like a referral letter or discharge summary, written with pdf-lib. `seed` varies the
 * text so that files differ.
 */
export async function letterPdf(pages: number, seed: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Clinic letter ${seed} — page ${p + 1} of ${pages}`, { x: 50, y: 790, size: 13, font });
    for (let line = 0; line < 45; line++) {
      const text = SENTENCES[(seed + p + line) % SENTENCES.length]!;
      page.drawText(text, { x: 50, y: 760 - line * 15.5, size: 9.5, font });
    }
  }
  doc.setTitle('Clinic letter');
  doc.setProducer('bench');
  return Buffer.from(await doc.save());
}
