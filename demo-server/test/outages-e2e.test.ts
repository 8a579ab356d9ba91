/**
 * End to end, issue 14 §5 and §6: the demo page in real Chromium (playwright-core) against
 * the demo server running as its own process (`npm start`'s entry).
 *
 * - Outage: the server is killed (SIGKILL) in the middle of a batch's processing and kept
 *   down for a while; the page says "Reconnecting…" within 5 s, with the actions that need
 *   the server inactive. Started again on the same port and data folder, the server
 *   finishes the batch, and the page shows its true state within 5 s, without a reload.
 * - Reload while sending: a batch of 25 files goes in three requests with the upload
 *   throttled (DevTools network emulation); after the first request arrived the page is
 *   reloaded (the leave-page warning is answered). The page then says how many files
 *   were not sent, taken from the server, and adding them (the whole set picked again)
 *   completes the batch with every file once.
 *
 * axe-core finds nothing in either state. With SCREENSHOTS=<folder> (e.g.
 * docs/screenshots) each state is saved at 320, 390, 768 and 1280 px wide.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Batch } from '@batch-uploader/protocol';
import { makeRawPdf } from '@batch-uploader/test-support/documents';
import { chooseFiles, launchChromium, type ChosenFile, expectAccessible, screenshotAtWidths } from '@batch-uploader/test-support/browser';
import { killHard, startChild, stopChild, type Child } from './child-server.js';
import { getBatch, tempDir } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

const WIDTHS = [320, 390, 768, 1280] as const;
const SHOTS = process.env.SCREENSHOTS ?? null;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** How long the server stays down: longer than the client's own retries of one request. */
const DOWN_MS = Number(process.env.OUTAGE_DOWN_MS ?? 15_000);

let browser: Browser;
const pageErrors: string[] = [];

/** A valid one-page PDF of about `bytes` (an unreferenced stream of random bytes). */
function pdfOf(bytes: number): Buffer {
  const pad = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 65_536) crypto.getRandomValues(pad.subarray(i, Math.min(i + 65_536, bytes)));
  return makeRawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    Buffer.concat([Buffer.from(`<< /Length ${bytes} >>\nstream\n`), pad, Buffer.from('\nendstream')]),
  ]);
}

function filesOf(count: number, bytes: number, prefix: string): ChosenFile[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${String(i + 1).padStart(2, '0')}.pdf`,
    mimeType: 'application/pdf',
    buffer: pdfOf(bytes),
  }));
}

/** A page of its own on the demo page of `origin`, with axe-core added (the page's CSP runs only its own scripts). */
async function openPage(origin: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/batch-upload`);
  await page.addScriptTag({ path: AXE });
  await part(page, 'drop-zone').waitFor();
  return { context, page };
}

/**
 * Picks `files`, slows uploads to `bytesPerSecond` (so that a reload comes while bytes are
 * being sent) and starts; the DevTools session, to lift the limit after.
 */
async function startSlowly(context: BrowserContext, page: Page, files: ChosenFile[], bytesPerSecond: number): Promise<CDPSession> {
  await chooseFiles(part(page, 'drop-zone'), files);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  await page.getByRole('button', { name: `Start Batch Upload (${files.length} files)` }).click();
  return cdp;
}

/** Picks `files` again with Add the missing files; once the batch finished, checks it holds every file once, in order. */
async function addMissing(page: Page, files: ChosenFile[], api: string, batchId: string): Promise<Batch> {
  await chooseFiles(part(page, 'add-missing-button'), files);
  await waitFor(async () => ((await sessionOf(page)).phase === 'finished' ? true : null), 30_000);
  const final = await getBatch(api, batchId);
  assert.deepEqual(
    final.files.map((f) => f.filename),
    files.map((f) => f.name),
    'every file once, in order',
  );
  return final;
}

const part = (page: Page, name: string) => page.locator(`batch-uploader [part~="${name}"]`);
const words = async (page: Page, name: string) => ((await part(page, name).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** What the element's session says, read in the page. */
function sessionOf(page: Page): Promise<{ phase: string; connection: string; completed: number; batchId: string | null; statuses: string[] }> {
  return page.evaluate(`(() => {
    const state = document.querySelector('batch-uploader').session.getState();
    return {
      phase: state.phase,
      connection: state.connection,
      batchId: state.batchId,
      completed: state.files.filter((f) => f.status === 'completed').length,
      statuses: state.files.map((f) => f.status),
    };
  })()`);
}

/** Saves the element at every width, when SCREENSHOTS is set. */
function shoot(page: Page, state: string): Promise<void> {
  return screenshotAtWidths(page, state, { dir: SHOTS, widths: WIDTHS, stillAnimations: true });
}

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
});

describe('an outage in the middle of a batch, on the demo page', () => {
  let dataDir: string | undefined;
  let server: Child | null = null;
  after(async () => {
    if (server) await stopChild(server);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('says Reconnecting… within 5 s with the actions inactive, and shows the true state within 5 s of the server being back', async () => {
    dataDir = await tempDir();
    const env = { DATA_DIR: dataDir, PROCESSING_DELAY_MS: '400', CONCURRENCY: '2', LEASE_MS: '1500' };
    server = await startChild(env);
    const first = server;
    const { origin, port } = new URL(first.api);
    const { context, page } = await openPage(origin);
    await chooseFiles(part(page, 'drop-zone'), filesOf(20, 20_000, 'referral'));
    await page.getByRole('button', { name: 'Start Batch Upload (20 files)' }).click();
    await waitFor(async () => {
      const state = await sessionOf(page);
      return state.phase === 'processing' && state.completed >= 2 ? state : null;
    }, 20_000);
    const { batchId } = await sessionOf(page);

    await killHard(first);
    server = null;
    // "Reconnecting…" within 5 s of the server going away (its live stream drops, a poll fails).
    await part(page, 'connection').waitFor({ timeout: 5_000 });
    assert.ok((await words(page, 'connection')).startsWith('Reconnecting…'));
    assert.equal(await part(page, 'cancel-button').getAttribute('aria-disabled'), 'true');
    const pause = part(page, 'pause-button');
    if ((await pause.count()) > 0) assert.equal(await pause.getAttribute('aria-disabled'), 'true');
    await part(page, 'cancel-button').click({ force: true }); // Inactive: nothing happens.
    await expectAccessible(page, 'reconnecting');
    await shoot(page, 'outage-reconnecting');
    // On a phone, scrolled down to the end of the list: the notice is still in sight.
    await page.setViewportSize({ width: 390, height: 640 });
    await part(page, 'file-list').evaluate((list) => list.scrollIntoView({ block: 'end' }));
    await page.waitForTimeout(100);
    const seen = await part(page, 'connection').evaluate((notice) => {
      const box = notice.getBoundingClientRect();
      return { top: Math.round(box.top), bottom: Math.round(box.bottom), height: innerHeight, scrolled: scrollY > 0 };
    });
    assert.ok(seen.scrolled && seen.top >= 0 && seen.bottom <= seen.height, `Reconnecting… in the window: ${JSON.stringify(seen)}`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await part(page, 'reconnect-button').click(); // Still down.

    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    assert.equal(await part(page, 'error').count(), 0, 'no final-looking error however long it is down');
    assert.equal((await sessionOf(page)).connection, 'reconnecting');

    server = await startChild({ ...env, PORT: port });
    const atRestart = await getBatch(server.api, batchId!);
    // Within 5 s of the server answering again: the notice is gone and the page shows at least what the server had then.
    await part(page, 'connection').waitFor({ state: 'detached', timeout: 5_000 });
    await waitFor(async () => ((await sessionOf(page)).completed >= atRestart.progress.completed ? true : null), 5_000);
    assert.equal(await part(page, 'cancel-button').getAttribute('aria-disabled'), 'false', 'cancel works again');

    const final = await waitFor(async () => {
      const batch = await getBatch(server!.api, batchId!);
      return batch.finished_at ? batch : null;
    }, 60_000);
    await waitFor(async () => ((await sessionOf(page)).phase === 'finished' ? true : null), 5_000);
    assert.deepEqual(
      (await sessionOf(page)).statuses,
      final.files.map((f) => f.status),
      'the page shows the batch as the server has it',
    );
    assert.ok((await words(page, 'summary')).includes('20 succeeded'));
    await context.close();
  });
});

describe('a reload while sending, on the demo page', () => {
  let dataDir: string | undefined;
  let picked: string | undefined;
  let server: Child | undefined;
  after(async () => {
    if (server) await stopChild(server);
    for (const dir of [dataDir, picked]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('warns before leaving, then says how many files were not sent; adding them completes the batch', async () => {
    dataDir = await tempDir();
    server = await startChild({ DATA_DIR: dataDir, PROCESSING_DELAY_MS: '50' });
    const { origin } = new URL(server.api);
    const { context, page } = await openPage(origin);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    const files = filesOf(25, 150_000, 'scan');
    const cdp = await startSlowly(context, page, files, 1_000_000);
    const { batchId } = await waitFor(async () => {
      const state = await sessionOf(page);
      return state.batchId && state.statuses.includes('pending') && state.statuses.includes('uploading') ? state : null;
    }, 30_000);

    await page.reload();
    assert.deepEqual(dialogs, ['beforeunload'], 'the page asked before leaving while sending');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.addScriptTag({ path: AXE });
    const held = await getBatch(server.api, batchId!);
    assert.equal(held.expected_files, 25);
    assert.ok(held.accepting_files && held.total_files < 25, `the server holds ${held.total_files} of 25`);
    await part(page, 'interrupted').waitFor();
    const missing = 25 - held.total_files;
    assert.ok((await words(page, 'interrupted')).startsWith(`Upload interrupted: ${missing} of 25 files were not sent.`), await words(page, 'interrupted'));
    const stored = await page.evaluate(() => Object.entries(sessionStorage));
    assert.deepEqual(stored, [['batch-uploader:/api/gp#uploader', batchId]], 'only the batch id is kept in the browser');
    await expectAccessible(page, 'interrupted');
    await shoot(page, 'reload-interrupted');

    // The whole set picked again: the files the batch has are left out.
    const final = await addMissing(page, files, server.api, batchId!);
    assert.equal(final.progress.completed, 25);
    assert.equal(await part(page, 'interrupted').count(), 0);
    assert.ok((await words(page, 'summary')).includes('25 succeeded'));
    assert.deepEqual(await page.evaluate(() => Object.entries(sessionStorage)), [], 'a finished batch is not kept');
    await context.close();
  });

  it('a reload while the first files are on the way finds the batch too: none arrived, all are missing', async () => {
    if (server) await stopChild(server);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    dataDir = await tempDir();
    server = await startChild({ DATA_DIR: dataDir, PROCESSING_DELAY_MS: '50' });
    const { origin } = new URL(server.api);
    const { context, page } = await openPage(origin);
    page.on('dialog', (dialog) => void dialog.accept());
    const files = filesOf(12, 150_000, 'note');
    const cdp = await startSlowly(context, page, files, 500_000);
    // The batch has its id, and its first part (10 files, 1.5 MB at 0.5 MB/s) is still on the way.
    const { batchId } = await waitFor(async () => {
      const state = await sessionOf(page);
      return state.batchId && state.statuses.every((status) => status === 'uploading' || status === 'queued') ? state : null;
    }, 30_000);
    await page.reload();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const held = await getBatch(server.api, batchId!);
    assert.deepEqual([held.total_files, held.expected_files, held.accepting_files], [0, 12, true], 'the server holds the batch, empty, waiting for 12 files');
    await part(page, 'interrupted').waitFor();
    assert.ok((await words(page, 'interrupted')).startsWith('Upload interrupted: 12 of 12 files were not sent.'), await words(page, 'interrupted'));
    assert.match(await words(page, 'steps'), /^Upload interrupted Processing$/, 'the upload step is not shown as done');
    const final = await addMissing(page, files, server.api, batchId!);
    assert.equal(final.progress.completed, 12);
    await context.close();
  });

  it('a large file whose resumable upload the reload cut goes on from the server offset when picked again', async () => {
    if (server) await stopChild(server);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    dataDir = await tempDir();
    server = await startChild({ DATA_DIR: dataDir, PROCESSING_DELAY_MS: '50', PROCESSOR: 'inspect' });
    const { origin } = new URL(server.api);
    const { context, page } = await openPage(origin);
    page.on('dialog', (dialog) => void dialog.accept());
    // A small file (multipart) and a 20 MiB scan (tus, in the server's 8 MiB chunks), on
    // disk: picked again after the reload, they are the same files (same modification time).
    const files = [...filesOf(1, 100_000, 'letter'), { name: 'scan-large.pdf', mimeType: 'application/pdf', buffer: pdfOf(20 * 1024 * 1024) }];
    picked = await tempDir();
    const paths = files.map((file) => join(picked!, file.name));
    await Promise.all(files.map((file, i) => writeFile(paths[i]!, file.buffer)));
    await chooseFiles(part(page, 'drop-zone'), paths);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2_000_000 });
    await page.getByRole('button', { name: 'Start Batch Upload (2 files)' }).click();

    // The upload's URL is kept by the file's fingerprint; the reload comes once the server holds a few MiB of it.
    const uploadsKey = 'batch-uploader:/api/gp#uploader:uploads';
    const kept = await waitFor(async () => {
      const text = await page.evaluate((key) => sessionStorage.getItem(key), uploadsKey);
      return text ? (JSON.parse(text) as { batch: string; uploads: Record<string, string> }) : null;
    }, 30_000);
    const [uploadUrl] = Object.values(kept.uploads);
    assert.ok(uploadUrl, 'an upload URL is kept');
    const offsetOf = async () => {
      const answer = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
      return Number(answer.headers.get('upload-offset'));
    };
    await waitFor(async () => ((await offsetOf()) >= 3 * 1024 * 1024 ? true : null), 30_000);
    await page.reload();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.addScriptTag({ path: AXE });

    await part(page, 'interrupted').waitFor();
    assert.ok((await words(page, 'interrupted')).startsWith('Upload interrupted: 1 of 2 files was not sent.'), await words(page, 'interrupted'));
    const stored = Object.fromEntries(await page.evaluate(() => Object.entries(sessionStorage)));
    assert.deepEqual(Object.keys(stored).sort(), ['batch-uploader:/api/gp#uploader', uploadsKey]);
    assert.equal(stored['batch-uploader:/api/gp#uploader'], kept.batch);
    assert.deepEqual(JSON.parse(stored[uploadsKey]!), kept, 'the batch id and the upload URL by fingerprint');
    assert.ok(!/scan|letter|\.pdf/.test(stored[uploadsKey]!), 'no file name in the browser storage');
    const held = await offsetOf();
    assert.ok(held > 0 && held < 20 * 1024 * 1024, `the server holds ${held} bytes of the scan`);

    // Both files picked again: the letter the batch has is left out; the scan goes on from `held`.
    const sentAfter: Array<{ method: string; path: string; offset: string | undefined }> = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' || request.method() === 'PATCH') {
        sentAfter.push({ method: request.method(), path: new URL(request.url()).pathname, offset: request.headers()['upload-offset'] });
      }
    });
    // What the scan's row says while it goes on.
    await page.evaluate(`(() => {
      const el = document.querySelector('batch-uploader');
      window.resumingSeen = [];
      el.session.subscribe((state) => {
        for (const f of state.files) if (f.resuming) window.resumingSeen.push(f.bytesSent);
      });
    })()`);
    await chooseFiles(part(page, 'add-missing-button'), paths);
    await waitFor(async () => ((await sessionOf(page)).phase === 'finished' ? true : null), 60_000);
    const resumingSeen = (await page.evaluate('window.resumingSeen')) as number[];
    assert.ok(resumingSeen.length > 0, 'the scan showed as resuming');
    assert.ok(
      resumingSeen.filter((sent) => sent > 0).every((sent) => sent >= held),
      `its byte progress went on from ${held}: ${resumingSeen.join(', ')}`,
    );
    const patches = sentAfter.filter((r) => r.method === 'PATCH');
    assert.ok(patches.length > 0 && patches.every((r) => r.path === new URL(uploadUrl).pathname), JSON.stringify(sentAfter));
    assert.equal(patches[0]!.offset, String(held), 'the first PATCH after the reload starts where the server was');
    assert.ok(!sentAfter.some((r) => r.method === 'POST' && r.path.endsWith('/uploads')), 'no new upload was made');
    const final = await getBatch(server.api, kept.batch);
    assert.deepEqual(
      final.files.map((f) => [f.filename, f.size, f.status]),
      files.map((f) => [f.name, f.buffer.length, 'completed']),
      'every file once, whole, processed',
    );
    assert.ok((await words(page, 'summary')).includes('2 succeeded'));
    assert.deepEqual(await page.evaluate(() => Object.entries(sessionStorage)), [], 'nothing is kept once the batch finished');
    await context.close();
  });
});
