/**
 * Tiny valid documents generated in code (no binary files in the repository), and
 * files that only look like documents by name.
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { pngFile } from './png.js';

/** A one-page PDF with a line of text; `padBytes` adds an embedded file of random bytes to make it large. */
export async function makePdf(text = 'Test document', padBytes = 0): Promise<Uint8Array<ArrayBuffer>> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([200, 200]).drawText(text, { x: 20, y: 100, size: 10, font });
  if (padBytes > 0) {
    const pad = new Uint8Array(padBytes);
    for (let i = 0; i < padBytes; i += 65_536) crypto.getRandomValues(pad.subarray(i, Math.min(i + 65_536, padBytes)));
    await doc.attach(pad, 'padding.bin', { mimeType: 'application/octet-stream' });
  }
  // A copy on a plain ArrayBuffer, as Blob parts want.
  return new Uint8Array(await doc.save());
}

/** A valid PNG of `width` × `height` grey pixels. */
export function makePng(width = 4, height = 3): Uint8Array<ArrayBuffer> {
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter byte
  return new Uint8Array(pngFile({ width, height, colourType: 0 }, deflateSync(rows)));
}

/** Text dressed as a PDF by its name only. */
export function fakePdf(): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode('This is not a PDF at all, just text with a .pdf name.');
}

/** A PDF whose bytes stop half-way: the type sniffs as PDF, processing fails. */
export async function truncatedPdf(): Promise<Uint8Array<ArrayBuffer>> {
  const pdf = await makePdf('cut');
  return pdf.slice(0, Math.floor(pdf.length / 3));
}
