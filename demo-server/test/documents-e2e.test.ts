/**
 * End to end, issue 18's proof: the demo server as it starts by default — the documents
 * processor reading scans by OCR, no processing service — with a PATIENTS_FILE, and the demo
 * page in real Chromium (playwright-core). From the generated corpus, a clerk files to
 * patient P a scanned referral letter of P and a scanned discharge summary of another person
 * Q: the referral matches; the discharge summary is held for review, shown first in "Needs
 * attention" with its reason, and confirmed from the keyboard. axe-core finds nothing.
 *
 * With SCREENSHOTS=<folder> (e.g. docs/screenshots) it saves the caught state at 390 and 1280 px.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Batch, PatientCheck } from '@batch-uploader/protocol';
import { chooseFiles, launchChromium, expectAccessible, screenshotAtWidths, elementBatchId, tabUntilPart } from '@batch-uploader/test-support/browser';
import { startDemoServer } from '@batch-uploader/test-support/demo-server';
import { generateCorpus, type CorpusDocument, type Person } from '@batch-uploader/test-support/document-corpus';
import { getBatch, tempDir } from '@batch-uploader/test-support/http';
import { configFromEnv } from '../src/config.js';

const SHOTS = process.env.SCREENSHOTS ?? null;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let referral: CorpusDocument;
let discharge: CorpusDocument;
let p: Person;
const pageErrors: string[] = [];

const part = (name: string) => page.locator(`batch-uploader [part~="${name}"]`);
const words = async (locator: ReturnType<Page['locator']>) => ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Saves the element at two widths when SCREENSHOTS is set. */
function shoot(state: string): Promise<void> {
  return screenshotAtWidths(page, state, { dir: SHOTS, widths: [390, 1280] });
}

/** The first document of `type` whose page prints its patient's NHS number and date of birth. */
function scanned(documents: readonly CorpusDocument[], type: string, not?: string): CorpusDocument {
  const found = documents.find((d) => d.type === type && d.person_id !== not && d.fields.nhs_number && d.fields.date_of_birth);
  assert.ok(found, `the corpus has a ${type} printing its patient's identifiers`);
  return found;
}

/** The file a clerk would choose: the scan (a JPEG, or a PDF of page images). */
async function scanFile(document: CorpusDocument, name: string) {
  const pdf = extname(document.files.scan) === '.pdf';
  return { name: `${name}${pdf ? '.pdf' : '.jpg'}`, mimeType: pdf ? 'application/pdf' : 'image/jpeg', buffer: await readFile(document.files.scan) };
}

before(async () => {
  const corpus = await generateCorpus({ count: 10, photos: 1 });
  referral = scanned(corpus.documents, 'referral_letter');
  p = corpus.people.find((person) => person.person_id === referral.person_id)!;
  discharge = scanned(corpus.documents, 'discharge_summary', p.person_id);
  const dir = await tempDir();
  const registry = corpus.people.map((person) => ({
    patient_id: person.person_id,
    name: `${person.given} ${person.family}`,
    date_of_birth: person.date_of_birth,
    nhs_number: person.nhs_number,
    mrn: person.mrn,
  }));
  await writeFile(join(dir, 'patients.json'), JSON.stringify(registry));
  // No PROCESSOR and no PROCESSOR_URL: the demo server's default, the documents processor.
  const config = configFromEnv({ PATIENTS_FILE: join(dir, 'patients.json') });
  assert.equal(config.processor, 'documents');
  assert.equal(config.processorUrl, null);
  server = await startDemoServer({ processor: config.processor, patients: config.patients, concurrency: 2 });
  browser = await launchChromium();
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/batch-upload`);
  await page.addScriptTag({ path: AXE });
  await part('drop-zone').waitFor();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('a scanned discharge summary of another patient, read by OCR and caught at upload', () => {
  let batchId = '';

  it('matches the referral scan and holds the discharge summary scan first in Needs attention', async () => {
    await page.getByLabel(/Patient ID/).fill(p.person_id);
    await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
      await scanFile(referral, 'referral-letter-scan'),
      await scanFile(discharge, 'discharge-summary-scan'),
    ]);
    await page.getByRole('button', { name: 'Start Batch Upload (2 files)' }).click();
    // OCR of two A4 scans on a shared machine: allow it time.
    await part('attention').waitFor({ timeout: 180_000 });

    batchId = await elementBatchId(page);
    const batch: Batch = await getBatch(server.api, batchId);
    const read = batch.files.map((f) => {
      const result = f.result as { document?: { type: string; text_source: string }; patient_check?: PatientCheck };
      return [f.filename.replace(/\.\w+$/, ''), result.document?.type, result.document?.text_source, result.patient_check?.outcome];
    });
    assert.deepEqual(read, [
      ['referral-letter-scan', 'referral_letter', 'ocr', 'match'],
      ['discharge-summary-scan', 'discharge_summary', 'ocr', 'mismatch'],
    ]);
    const check = (batch.files[1]!.result as { patient_check: PatientCheck }).patient_check;
    assert.ok(check.conflicting.includes('nhs_number'), 'the NHS number read by OCR differs');
    assert.equal(batch.progress.needs_review, 1);

    assert.equal(await words(page.getByRole('heading', { name: /Needs attention/ })), 'Needs attention (1)');
    const first = part('attention-item').first();
    assert.match(await words(first.locator('[part~="attention-name"]')), /^discharge-summary-scan\.(pdf|jpg)$/, 'the file to review comes first');
    assert.match(await words(first.locator('[part~="attention-reason"]')), /^This document names another patient: NHS number.* differs?\.$/);
    await expectAccessible(page, 'a scan of another patient held for review');
    await shoot('patient-mismatch-caught');
  });

  it('is confirmed from the keyboard and recorded', async () => {
    await page.locator('batch-uploader').evaluate((host) => (host.shadowRoot!.querySelector('#outcome') as HTMLElement).focus());
    const reached = await tabUntilPart(page, 'review-confirm-button');
    assert.match(reached, /review-confirm-button/, 'Confirm is reached with Tab');
    await page.keyboard.press('Enter');
    await part('attention').waitFor({ state: 'detached' });
    const file = (await getBatch(server.api, batchId)).files[1]!;
    assert.equal(file.needs_review, false);
    assert.equal(file.review?.decision, 'confirmed');
    await expectAccessible(page, 'confirmed');
    assert.deepEqual(pageErrors, []);
  });
});
