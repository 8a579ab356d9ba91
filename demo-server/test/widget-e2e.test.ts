/**
 * End to end: the demo server's /batch-upload page in a real Chromium (playwright-core),
 * the element's built bundle (`rollup -c` first), real uploads and live progress. A
 * clerk picks files, starts, reloads in the middle of the batch, and sees it through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { BatchHistoryResponse } from '@batch-uploader/protocol';
import { chooseFiles, launchChromium } from '@batch-uploader/test-support/browser';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';

type Server = Awaited<ReturnType<typeof startTestServer>>;

let server: Server;
let browser: Browser;
let docs: Documents;

before(async () => {
  docs = await documents();
  // 400 ms per file, one at a time: six files take over two seconds, so the reload lands mid-batch.
  server = await startTestServer({ processingDelayMs: 400, concurrency: 1 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** "Processing: 3 of 6 files done: 2 completed, 1 failed" → 3. */
async function finishedCount(page: Page): Promise<number> {
  const text = (await page.getByRole('progressbar', { name: 'Batch progress' }).getAttribute('aria-valuetext')) ?? '';
  const match = /^Processing: (\d+) of \d+ files? done/.exec(text);
  return match ? Number(match[1]) : -1;
}

describe('the widget page in Chromium', () => {
  it('serves the page with the built bundle and links it from the landing page', async () => {
    const bundle = await fetch(`${server.url}/assets/batch-uploader.js`);
    assert.equal(bundle.status, 200, 'the bundle is built (npx rollup -c) and served');
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    // Its chunks, imported with relative import(), are served beside it; nothing else of the folder is.
    const chunks = [...(await bundle.text()).matchAll(/import\("\.\/(chunks\/[\w-]+\.js)"\)/g)].map((m) => m[1]!);
    assert.ok(chunks.length >= 2, `the history and folder reading are chunks: ${chunks.join(', ')}`);
    for (const chunk of chunks) {
      const answer = await fetch(`${server.url}/assets/${chunk}`);
      assert.equal(answer.status, 200, chunk);
      assert.match(answer.headers.get('content-type') ?? '', /javascript/);
    }
    assert.equal((await fetch(`${server.url}/assets/index.js`)).status, 404, 'the folder’s other files are not served');
    assert.equal((await fetch(`${server.url}/assets/chunks/index.js`)).status, 404, 'nor files that are not chunks');
    const landing = await (await fetch(server.url)).text();
    assert.match(landing, /href="\/batch-upload"/);
    const page = await (await fetch(`${server.url}/batch-upload`)).text();
    assert.match(page, /<batch-uploader [^>]*endpoint="\/api\/gp"/);
    assert.match(page, /<script type="module" src="\/assets\/batch-uploader.js"><\/script>/);
  });

  it('a clerk picks files, starts, reloads mid-batch, sees live progress resume and reaches the summary', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/batch-upload`);

    // The drop zone is a real button: it opens the file chooser.
    await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
      { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
      { name: 'lab-results.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf3) },
      { name: 'wound.png', mimeType: 'image/png', buffer: Buffer.from(docs.png) },
      { name: 'xray.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(docs.jpeg) },
      { name: 'scan.tiff', mimeType: 'image/tiff', buffer: Buffer.from(docs.tiff) },
      { name: 'damaged.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.truncatedPdf) },
      { name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from(docs.exe) },
    ]);
    await page.getByText('setup.exe is not a PDF or an image').waitFor();
    await page.getByLabel('Patient ID').fill('P-77');
    await page.getByRole('button', { name: 'Start Batch Upload (6 files)' }).click();

    // Mid-batch: some files done, not all.
    const progress = page.getByRole('progressbar', { name: 'Batch progress' });
    await progress.waitFor();
    await page.waitForFunction(() => {
      const text = document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="progress"]')?.getAttribute('aria-valuetext') ?? '';
      const done = Number(/^Processing: (\d+) of/.exec(text)?.[1] ?? -1);
      return done >= 1 && done < 6;
    });
    const before = await finishedCount(page);
    assert.ok(before >= 1 && before < 6, `mid-batch before the reload (${before} of 6)`);
    const stored = await page.evaluate(() => Object.entries(sessionStorage));
    assert.equal(stored.length, 1, 'one entry in sessionStorage');
    assert.match(stored[0]![1], /^[0-9a-f-]{36}$/, 'and it is the batch id');
    assert.doesNotMatch(JSON.stringify(stored), /referral|P-77/, 'no file name, no patient data');

    await page.reload();
    const log = page.locator('#log');
    // The element picks the batch up again: progress, no drop zone, and it keeps moving.
    await progress.waitFor();
    assert.equal(await page.getByRole('button', { name: /Drop documents/ }).count(), 0, 'no drop zone: the batch is being followed');
    const afterReload = await finishedCount(page);
    assert.ok(afterReload >= before && afterReload < 6, `still mid-batch after the reload (${afterReload} of 6)`);
    await page.waitForFunction(
      (seen) =>
        Number(
          /(\d+) of/.exec(
            document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="progress"]')?.getAttribute('aria-valuetext') ?? '',
          )?.[1] ?? -1,
        ) > seen,
      afterReload,
    );

    // After the reload the page knows nothing of setup.exe: it was refused by the page before.
    await page.getByRole('heading', { name: 'Some files need attention: 5 succeeded, 1 failed' }).waitFor({ timeout: 20_000 });
    const toast = page.locator('batch-uploader [part~="toast"]');
    await toast.waitFor();
    assert.match((await toast.textContent()) ?? '', /Some files need attention: 5 succeeded, 1 failed/, 'a visible notice');
    assert.deepEqual(
      await page.locator('batch-uploader [part~="attention-name"]').allTextContents(),
      ['damaged.pdf'],
      'the failed file is named first, under Needs attention',
    );
    assert.match((await page.locator('batch-uploader').locator('[part~="file-error"]').first().textContent()) ?? '', /\w/, "with the server's reason");
    assert.match((await log.textContent()) ?? '', /batch-complete\s+batch [0-9a-f-]+ completed: 5 succeeded, 1 failed/);
    assert.deepEqual(pageErrors, []);

    // The reload did not upload again.
    const history = (await (await fetch(`${server.api}/batch-history`)).json()) as BatchHistoryResponse;
    assert.equal(history.batches.length, 1);
    assert.equal(history.batches[0]!.total_files, 6);
    assert.equal(history.batches[0]!.patient_id, 'P-77');

    // A damaged file fails the same way every time: no retry is offered for it
    // (outcome-e2e.test.ts retries a failure that can pass).
    assert.equal(await page.getByRole('button', { name: /Retry failed/ }).count(), 0);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
