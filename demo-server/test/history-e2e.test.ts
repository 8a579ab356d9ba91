/**
 * End to end, issue 14 §8: the demo page in real Chromium (playwright-core) against a demo
 * server whose processing service fails flaky.pdf until it is retried. A clerk sends three
 * files for a patient — one completes, one is damaged (CORRUPT_FILE, not retryable), one
 * fails for a while (PROCESSING_FAILED, retryable) — sees the patient ID masked in the
 * progress header and the history row, opens the row by keyboard, reads each file's
 * status and reason, retries the failed one, goes back to the row; then a batch email's
 * link (`/batch-upload#batch=<id>`) opens the same batch on a new page. axe-core finds
 * nothing in the "history open" and "history detail" states.
 *
 * With SCREENSHOTS=<folder> (e.g. docs/screenshots) it also saves each state at 320, 390,
 * 768 and 1280 px wide.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chooseFiles, launchChromium, expectAccessible, screenshotAtWidths, elementBatchId } from '@batch-uploader/test-support/browser';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { startProcessingService, type ProcessingService } from '@batch-uploader/test-support/processing-service';

const WIDTHS = [320, 390, 768, 1280] as const;
const SHOTS = process.env.SCREENSHOTS ?? null;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PATIENT = 'MRN-20260417';

let server: Awaited<ReturnType<typeof startTestServer>>;
let service: ProcessingService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let docs: Documents;
let batchId = '';
const pageErrors: string[] = [];

/** Saves the element at every width, when SCREENSHOTS is set. */
function shoot(on: Page, state: string): Promise<void> {
  return screenshotAtWidths(on, state, { dir: SHOTS, widths: WIDTHS });
}

/** A part of the element, located through its shadow root. */
const part = (on: Page, name: string) => on.locator(`batch-uploader [part~="${name}"]`);
const words = async (on: Page, name: string) => ((await part(on, name).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
/** The id (or, without one, the part) of what has focus inside the element. */
const focused = (on: Page) =>
  on.evaluate(() => {
    const active = document.querySelector('batch-uploader')?.shadowRoot?.activeElement;
    return active ? active.id || active.getAttribute('part') || active.tagName : null;
  });
/** Everything of the page that could hold the patient ID: its URL, storage, and the DOM with the element's shadow root. */
const exposed = (on: Page) =>
  on.evaluate(() => {
    const host = document.querySelector('batch-uploader')!;
    return [
      location.href,
      JSON.stringify({ ...localStorage }),
      JSON.stringify({ ...sessionStorage }),
      document.documentElement.outerHTML,
      host.shadowRoot!.innerHTML,
    ].join('\n');
  });
/** A file of the opened batch, in words. */
const fileLine = async (on: Page, name: string) =>
  ((await part(on, 'history-files').locator('li').filter({ hasText: name }).textContent()) ?? '').replace(/\s+/g, ' ').trim();

async function openPage(hash = ''): Promise<Page> {
  const opened = await context.newPage();
  opened.on('pageerror', (error) => pageErrors.push(error.message));
  await opened.goto(`${server.url}/batch-upload${hash}`);
  await opened.addScriptTag({ path: AXE });
  await part(opened, 'drop-zone').waitFor();
  return opened;
}

before(async () => {
  docs = await documents();
  service = await startProcessingService({ unavailableFor: (name) => (name === 'flaky.pdf' ? 3 : 0) });
  server = await startTestServer({ processingDelayMs: 100, processorUrl: service.url });
  browser = await launchChromium();
  // The demo page's CSP runs only its own scripts: axe-core is added by the test.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  page = await openPage();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await service?.close();
});

describe('context and history on the demo page', () => {
  it('names the batch by the patient ID masked in the progress header, nowhere in full', async () => {
    await page.getByLabel('Patient ID').fill(PATIENT);
    await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
      { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
      { name: 'damaged.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.truncatedPdf) },
      { name: 'flaky.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf3) },
    ]);
    await page.getByRole('button', { name: 'Start Batch Upload (3 files)' }).click();
    await part(page, 'batch-context').waitFor();
    assert.equal(await part(page, 'batch-context').locator('[aria-hidden="true"]').textContent(), 'Patient ••••0417');
    await part(page, 'outcome').waitFor({ timeout: 30_000 });
    batchId = await elementBatchId(page);
    assert.ok(!(await exposed(page)).includes(PATIENT), 'the patient ID is not in the URL, storage or DOM');
    assert.ok(!(await exposed(page)).includes('20260'), 'not even most of it');
    await shoot(page, 'context-progress-header');
  });

  it('a history row reads apart from others and opens its batch in place, by keyboard: files, statuses, reasons', async () => {
    // The clerk closes the notice and starts over: the batch is left to the history.
    await part(page, 'toast').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Upload another batch' }).click();
    await part(page, 'drop-zone').waitFor();
    // Another clerk's batch for another patient, sent meanwhile: the rows must read apart.
    const form = new FormData();
    form.append('patient_id', 'MRN-31337788');
    form.append('files', new Blob([docs.pdf], { type: 'application/pdf' }), 'letter.pdf');
    assert.equal((await fetch(`${server.api}/batch-upload`, { method: 'POST', body: form })).status, 202);
    // Refresh until the server finished it (the history shows what it has when asked).
    const other = part(page, 'history-row').filter({ hasText: '••••7788' }).filter({ hasText: 'All files succeeded' });
    for (let tries = 0; tries < 100 && (await other.count()) === 0; tries++) {
      await part(page, 'refresh-button').click();
      await page.waitForTimeout(100);
    }
    assert.equal(await other.count(), 1, 'the other batch, finished, in the history');
    const row = part(page, 'history-row').and(page.locator(`[data-id="${batchId}"]`));
    await row.filter({ hasText: '3 files, 1 succeeded, 2 failed' }).waitFor({ timeout: 15_000 });
    assert.match(
      ((await row.textContent()) ?? '').replace(/\s+/g, ' ').trim(),
      /^Some files need attention · Patient ••••0417Patient ID ending 0417 · .+: 3 files, 1 succeeded, 2 failed$/,
    );
    await expectAccessible(page, 'history open');
    await shoot(page, 'history-open');

    await row.focus();
    await page.keyboard.press('Enter');
    await part(page, 'history-files').waitFor();
    assert.equal(await focused(page), 'history-batch', 'focus moves to the opened batch’s heading');
    assert.match(await words(page, 'history-detail'), /^Batch of /);
    assert.match(await words(page, 'history-summary'), /^Some files need attention: 1 succeeded, 2 failed$/);
    assert.match(await fileLine(page, 'referral.pdf'), /Completed/);
    const flaky = await fileLine(page, 'flaky.pdf');
    assert.match(flaky, /Failed/);
    assert.match(flaky, /Another try may work: choose Retry failed\./);
    const damaged = await fileLine(page, 'damaged.pdf');
    assert.match(damaged, /Failed.*(damaged|could not (be )?read)/i, damaged);
    assert.doesNotMatch(damaged, /Retry failed/, 'a damaged file is not offered a retry');
    // The live region says which batch opened and how it went.
    await page.waitForFunction(() =>
      /Some files need attention: 1 succeeded, 2 failed/.test(
        document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="live-region"]')?.textContent ?? '',
      ),
    );
    await expectAccessible(page, 'history detail');
    await shoot(page, 'history-detail');
  });

  it('retries the failed file from the opened batch, then goes back to its row', async () => {
    await part(page, 'history-retry-button').click();
    await page.waitForFunction(
      () => {
        const root = document.querySelector('batch-uploader')?.shadowRoot;
        const line = [...(root?.querySelectorAll('[part~="history-files"] li') ?? [])].find((li) => li.textContent!.includes('flaky.pdf'));
        return line?.textContent?.includes('Completed');
      },
      undefined,
      { timeout: 30_000 },
    );
    assert.match(await words(page, 'history-summary'), /2 succeeded, 1 failed$/);
    assert.equal(await part(page, 'history-retry-button').count(), 0, 'nothing left that a retry may fix');
    await expectAccessible(page, 'history detail, retried');
    await shoot(page, 'history-detail-retried');

    await part(page, 'back-button').focus();
    await page.keyboard.press('Enter');
    await part(page, 'history-row').first().waitFor();
    assert.equal(await focused(page), 'history-row', 'focus back on a row');
    assert.equal(
      await page.evaluate(() => (document.querySelector('batch-uploader')?.shadowRoot?.activeElement as HTMLElement | null)?.dataset.id),
      batchId,
      'the batch’s own row',
    );
  });

  it('a batch email’s link, /batch-upload#batch=<id>, opens the same batch on arrival', async () => {
    const linked = await openPage(`#batch=${batchId}`);
    await part(linked, 'history-files').waitFor();
    assert.equal(new URL(linked.url()).hash, `#batch=${batchId}`, 'the id and nothing else');
    assert.equal(new URL(linked.url()).search, '');
    assert.match(await fileLine(linked, 'flaky.pdf'), /Completed/);
    assert.match(await fileLine(linked, 'damaged.pdf'), /Failed/);
    assert.equal(await focused(linked), 'history-batch');
    await expectAccessible(linked, 'history detail from a link');
    assert.deepEqual(pageErrors, []);
    await linked.close();
  });
});
