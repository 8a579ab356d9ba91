/**
 * End to end, issue 18 (wrong-patient guard): the demo page in real Chromium (playwright-core)
 * against the demo server started with the shipped PATIENTS_FILE and a PROCESSOR_URL pointing
 * at a real HTTP processing service that reads each PDF's text layer and answers the patient
 * fields it names (`document.fields`). A clerk files a referral of Jane Doe and a discharge
 * summary of John Smith to Jane's record (P-1001): the referral matches, the discharge summary
 * is held for review and shown first in "Needs attention" with its reason; the clerk reaches
 * Confirm with the keyboard and confirms it. axe-core finds nothing in either state.
 *
 * With SCREENSHOTS=<folder> (e.g. docs/screenshots) it also saves each state at 390 and 1280 px.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Batch, PatientCheck } from '@batch-uploader/protocol';
import {
  chooseFiles,
  launchChromium,
  expectAccessible,
  screenshotAtWidths,
  elementBatchId,
  tabUntilPart,
  focusedPart,
} from '@batch-uploader/test-support/browser';
import { startDemoServer } from '@batch-uploader/test-support/demo-server';
import { getBatch } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';
import { letterPdf } from '@batch-uploader/test-support/patient-letters';
import { startProcessingService, type ProcessingService } from '@batch-uploader/test-support/processing-service';
import { configFromEnv } from '../src/config.js';

const SHOTS = process.env.SCREENSHOTS ?? null;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PATIENTS_FILE = fileURLToPath(new URL('../patients.sample.json', import.meta.url));

let server: Awaited<ReturnType<typeof startDemoServer>>;
let service: ProcessingService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const said: string[] = [];

/** Saves the element at two widths when SCREENSHOTS is set. */
function shoot(state: string): Promise<void> {
  return screenshotAtWidths(page, state, { dir: SHOTS, widths: [390, 1280] });
}

const part = (name: string) => page.locator(`batch-uploader [part~="${name}"]`);
const words = async (locator: ReturnType<Page['locator']>) => ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

before(async () => {
  // The processing service answers `document.fields` read from the text layer, as a documents processor does.
  service = await startProcessingService({ documentFields: true });
  const { patients } = configFromEnv({ PATIENTS_FILE });
  server = await startDemoServer({ processorUrl: service.url, patients, concurrency: 1 });
  browser = await launchChromium();
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/batch-upload`);
  await page.addScriptTag({ path: AXE });
  await part('drop-zone').waitFor();
  await page.exposeFunction('recordSaid', (text: string) => said.push(text));
  await page.evaluate(`(() => {
    const region = document.querySelector('batch-uploader').shadowRoot.querySelector('[part~="live-region"]');
    new MutationObserver(() => {
      const text = (region.textContent || '').replace(/\\s+/g, ' ').replace(/\\u00a0/g, '').trim();
      if (text) window.recordSaid(text);
    }).observe(region, { childList: true, characterData: true, subtree: true });
  })()`);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await service?.close();
});

describe('a document of another patient, caught at upload', () => {
  let batchId = '';

  it('holds the discharge summary of another patient first in Needs attention, with the reason', async () => {
    await page.getByLabel(/Patient ID/).fill('P-1001');
    const jane = { name: 'Jane Doe', date_of_birth: '1980-03-07', nhs_number: '999 000 0018', mrn: 'RX1000001' };
    const john = { name: 'John Smith', date_of_birth: '1955-11-30', nhs_number: '999 001 1389', mrn: 'RX1000002' };
    await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
      { name: 'referral-letter.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await letterPdf('Referral letter', jane)) },
      { name: 'discharge-summary.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await letterPdf('Discharge summary', john)) },
      { name: 'clinic-note.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await letterPdf('Clinic note', {})) },
    ]);
    await page.getByRole('button', { name: 'Start Batch Upload (3 files)' }).click();
    await part('attention').waitFor({ timeout: 30_000 });

    batchId = await elementBatchId(page);
    const batch: Batch = await getBatch(server.api, batchId);
    const outcomes = batch.files.map((f) => [f.filename, (f.result as { patient_check?: PatientCheck }).patient_check?.outcome]);
    assert.deepEqual(outcomes, [
      ['referral-letter.pdf', 'match'],
      ['discharge-summary.pdf', 'mismatch'],
      ['clinic-note.pdf', 'no_identifiers'],
    ]);
    assert.equal(batch.progress.needs_review, 1);

    assert.equal(await words(page.getByRole('heading', { name: /Needs attention/ })), 'Needs attention (1)');
    const first = part('attention-item').first();
    assert.equal(await words(first.locator('[part~="attention-name"]')), 'discharge-summary.pdf', 'the file to review comes first');
    assert.equal(
      await words(first.locator('[part~="attention-reason"]')),
      'This document names another patient: NHS number, hospital number, name and date of birth differ.',
    );
    assert.match(await words(part('summary')), /Some files need attention: 3 succeeded, 0 failed, 1 to review/);
    // Announcements are paced: the end is said a moment after it shows.
    await waitFor(() => said.some((text) => text.includes('To review, another patient named: discharge-summary.pdf')), {
      what: 'the end announced with the file to review',
    });
    await expectAccessible(page, 'a file held for review');
    await shoot('patient-mismatch');
  });

  it('is confirmed from the keyboard: the decision is recorded and announced, and the group goes', async () => {
    // From the outcome heading, Tab reaches the file's Confirm button.
    await page.locator('batch-uploader').evaluate((host) => (host.shadowRoot!.querySelector('#outcome') as HTMLElement).focus());
    const reached = await tabUntilPart(page, 'review-confirm-button');
    assert.match(reached, /review-confirm-button/, 'Confirm is reached with Tab');
    const confirm = page.getByRole('button', { name: 'Confirm discharge-summary.pdf belongs to this patient' });
    assert.equal(await confirm.count(), 1, 'the button is named for its file');
    await page.keyboard.press('Enter');
    await part('attention').waitFor({ state: 'detached' });
    await page.waitForFunction(() => {
      const region = document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="live-region"]');
      return (region?.textContent ?? '').includes('discharge-summary.pdf confirmed for this patient.');
    });
    assert.match(await words(part('summary')), /All files succeeded: 3 succeeded, 0 failed$/);
    assert.equal(await focusedPart(page), 'outcome', 'focus goes to the outcome, not the page');

    const file = (await getBatch(server.api, batchId)).files[1]!;
    assert.equal(file.needs_review, false);
    assert.equal(file.review?.decision, 'confirmed');
    assert.equal(file.review?.decided_by, 'workspace:dev');
    assert.ok(file.review?.decided_at);
    await expectAccessible(page, 'confirmed');
    await shoot('patient-mismatch-confirmed');
    assert.deepEqual(pageErrors, []);
  });

  it('is rejected in another batch: its row and the history say which document was not filed', async () => {
    await page.getByRole('button', { name: 'Upload another batch' }).click();
    await page.getByLabel(/Patient ID/).fill('P-1001');
    const jane = { name: 'Jane Doe', date_of_birth: '1980-03-07', nhs_number: '999 000 0018' };
    const john = { name: 'John Smith', date_of_birth: '1955-11-30', nhs_number: '999 001 1389' };
    await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
      { name: 'clinic-letter.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await letterPdf('Clinic letter', jane)) },
      { name: 'outpatient-letter.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await letterPdf('Outpatient letter', john)) },
    ]);
    await page.getByRole('button', { name: 'Start Batch Upload (2 files)' }).click();
    await part('attention').waitFor({ timeout: 30_000 });
    const second = await elementBatchId(page);
    const statusOf = (name: string) =>
      words(
        part('file-row')
          .filter({ has: page.locator(`[part~="file-name"][title="${name}"]`) })
          .locator('[part~="file-status"]'),
      );
    assert.equal(await statusOf('outpatient-letter.pdf'), 'To review');

    await page.getByRole('button', { name: 'Reject outpatient-letter.pdf: do not file it to this patient' }).click();
    await part('attention').waitFor({ state: 'detached' });
    assert.equal(await statusOf('outpatient-letter.pdf'), 'Rejected: not filed', 'the row names the document not filed');
    assert.equal(await statusOf('clinic-letter.pdf'), 'Completed');
    assert.match(await words(part('summary')), /Some files need attention: 2 succeeded, 0 failed, 1 document rejected: not filed to this patient$/);
    assert.equal((await getBatch(server.api, second)).progress.rejected_at_review, 1);

    await part('refresh-button').click();
    const row = page.locator(`batch-uploader .history-row[data-id="${second}"]`);
    await waitFor(async () => (await words(row)).includes('2 files, 2 succeeded, 0 failed, 1 document rejected'), {
      what: 'the history row counts the rejection',
    });
    assert.match(await words(row), /^Some files need attention · /, 'a rejection is no plain success in the history either');
    const first = page.locator(`batch-uploader .history-row[data-id="${batchId}"]`);
    assert.match(await words(first), /^All files succeeded · .*3 files, 3 succeeded, 0 failed$/, 'the confirmed batch reads apart');
    await expectAccessible(page, 'rejected, history');
    await shoot('patient-mismatch-rejected');

    await row.click();
    const rejected = page.locator('batch-uploader .history-file').filter({ hasText: 'outpatient-letter.pdf' });
    assert.match(await words(rejected.locator('.history-status')), /^Rejected: not filed/);
    await expectAccessible(page, 'rejected batch opened from the history');
    await shoot('patient-mismatch-rejected-history');
    assert.deepEqual(pageErrors, []);
  });
});
