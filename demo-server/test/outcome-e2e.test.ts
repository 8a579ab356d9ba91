/**
 * End to end, issue 14 §1, §3 and §7: the demo page in real Chromium (playwright-core)
 * against a demo server whose processing service (PROCESSOR_URL) inspects documents and
 * is unavailable for flaky.pdf until its attempts are used up. A clerk sends nine files —
 * one damaged (CORRUPT_FILE, not retryable), one flaky (PROCESSING_FAILED, retryable) —
 * after four were refused before sending, follows the upload and the processing, reads the
 * outcome, retries, then cancels a second batch. Recorded over time: the live region (each
 * message once, in order, paced, progress throttled), the bar, the cards and the rows.
 * axe-core finds nothing in any state.
 *
 * With SCREENSHOTS=<folder> (e.g. docs/screenshots) it also saves each state at 320, 390,
 * 768 and 1280 px wide.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { paddedPdf } from '@batch-uploader/test-support/pdf';
import { chooseFiles, launchChromium, expectAccessible, screenshotAtWidths } from '@batch-uploader/test-support/browser';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { startProcessingService, type ProcessingService } from '@batch-uploader/test-support/processing-service';

const WIDTHS = [320, 390, 768, 1280] as const;
const SHOTS = process.env.SCREENSHOTS ?? null;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server: Awaited<ReturnType<typeof startTestServer>>;
let service: ProcessingService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let docs: Documents;
let padded: Buffer;
const pageErrors: string[] = [];

/** What the page records: every text of the live region, and samples of the progress display. */
interface Recorded {
  said: Array<{ at: number; text: string }>;
  samples: Array<{ now: number; text: string; sent: number; step: string; cards: string[]; rows: string[] }>;
  complete: Array<{ outcome: string; notSent: number; summary: string; status: string }>;
}

/**
 * Starts recording in the page: the live region by a MutationObserver, `batch-complete`,
 * and the progress display every 50 ms. (Plain script text: the test's compiler would add
 * helpers to functions that the page does not have.)
 */
const RECORDER = `(() => {
  const host = document.querySelector('batch-uploader');
  const root = host.shadowRoot;
  const words = (node) => (node ? node.textContent : '').replace(/\\s+/g, ' ').trim();
  const recorded = { said: [], samples: [], complete: [] };
  window.recorded = recorded;
  const region = root.querySelector('[part~="live-region"]');
  new MutationObserver(() => {
    const text = words(region).replace(/\\u00a0/g, '');
    if (text) recorded.said.push({ at: performance.now(), text });
  }).observe(region, { childList: true, characterData: true, subtree: true });
  host.addEventListener('batch-complete', (event) => {
    const { outcome, notSent, summary, status } = event.detail;
    recorded.complete.push({ outcome, notSent, summary, status });
  });
  setInterval(() => {
    const bar = root.querySelector('[part~="progress"]');
    if (!bar) return;
    recorded.samples.push({
      now: Number(bar.getAttribute('aria-valuenow')),
      text: bar.getAttribute('aria-valuetext') || '',
      sent: parseFloat(bar.style.getPropertyValue('--sent')),
      step: words(root.querySelector('[aria-current="step"]')),
      cards: [...root.querySelectorAll('[part~="status-card"]')].map(words),
      rows: [...root.querySelectorAll('[part~="file-status"]')].map(words),
    });
  }, 50);
})()`;

async function startRecording(): Promise<void> {
  await page.evaluate(RECORDER);
}

function recorded(): Promise<Recorded> {
  return page.evaluate(() => (window as unknown as { recorded: Recorded }).recorded);
}

/** axe-core on the element, shadow DOM included: no violation. */
/** Saves the element (or, with `viewport`, the window: the notice is fixed to it) at every width, when SCREENSHOTS is set. */
function shoot(state: string, viewport = false): Promise<void> {
  return screenshotAtWidths(page, state, { dir: SHOTS, widths: WIDTHS, viewport });
}

/** A part of the element, located through its shadow root. */
const part = (name: string) => page.locator(`batch-uploader [part~="${name}"]`);
const words = async (name: string) => ((await part(name).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

before(async () => {
  docs = await documents();
  padded = Buffer.from(paddedPdf(700_000).buffer);
  service = await startProcessingService({ unavailableFor: (name) => (name === 'flaky.pdf' ? 3 : 0) });
  // One file at a time, a second each: the processing takes long enough to be followed.
  server = await startTestServer({ processingDelayMs: 1_000, concurrency: 1, maxFiles: 9, maxFileSizeMb: 1, processorUrl: service.url });
  browser = await launchChromium();
  // The demo page's CSP runs only its own scripts: axe-core is added by the test.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/batch-upload`);
  await page.addScriptTag({ path: AXE });
  await part('drop-zone').waitFor();
  await startRecording();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await service?.close();
});

describe('the outcome, the progress story and what a screen reader hears, on the demo page', () => {
  it('starts empty, with a heading and the region it names', async () => {
    assert.equal(await page.getByRole('region', { name: 'Upload documents' }).count(), 1);
    assert.equal(await page.getByRole('heading', { name: 'Upload documents', level: 2 }).count(), 1);
    assert.equal(await page.getByRole('heading', { name: 'Recent batches', level: 3 }).count(), 1);
    await expectAccessible(page, 'empty');
    await shoot('start-empty');
  });

  it('lists what was refused before sending, and says each addition and the removal', async () => {
    const big = Buffer.alloc(1_200_000, 0x20);
    big.set(Buffer.from(docs.pdf), 0);
    await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
      { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
      { name: 'lab-results.pdf', mimeType: 'application/pdf', buffer: padded },
      { name: 'wound.png', mimeType: 'image/png', buffer: Buffer.from(docs.png) },
      { name: 'xray.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(docs.jpeg) },
      { name: 'scan.tiff', mimeType: 'image/tiff', buffer: Buffer.from(docs.tiff) },
      { name: 'photo.webp', mimeType: 'image/webp', buffer: Buffer.from(docs.webp) },
      { name: 'discharge-summary-2026-01-07_FINAL_v3_signed.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf3) },
      { name: 'damaged.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.truncatedPdf) },
      { name: 'discharge.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
      { name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from(docs.exe) },
      { name: 'big-scan.pdf', mimeType: 'application/pdf', buffer: big },
    ]);
    await page.getByText('setup.exe is not a PDF or an image').waitFor();
    await page.getByRole('button', { name: 'Remove discharge.pdf' }).click();
    await page.getByRole('button', { name: 'Start Batch Upload (8 files)' }).waitFor();
    // A second drop: the ninth file, referral.pdf again (same name, size and date), and one over the limit.
    await page.evaluate(`(() => {
      const host = document.querySelector('batch-uploader');
      const picked = host.session.getState().files.find((f) => f.name === 'referral.pdf');
      const flaky = Uint8Array.from(atob('${Buffer.from(docs.pdf3).toString('base64')}'), (c) => c.charCodeAt(0));
      const referral = Uint8Array.from(atob('${Buffer.from(docs.pdf).toString('base64')}'), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([flaky], 'flaky.pdf', { type: 'application/pdf' }));
      transfer.items.add(new File([referral], 'referral.pdf', { type: 'application/pdf', lastModified: picked.lastModified }));
      transfer.items.add(new File([flaky], 'extra.pdf', { type: 'application/pdf' }));
      const zone = host.shadowRoot.querySelector('[part~="drop-zone"]');
      zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    await page.getByRole('button', { name: 'Start Batch Upload (9 files)' }).waitFor();
    const messages = await words('messages');
    for (const expected of [
      'setup.exe is not a PDF or an image',
      'big-scan.pdf is larger than 1 MB',
      'referral.pdf is already added',
      'only 9 files can be sent at once',
    ]) {
      assert.ok(messages.includes(expected), `"${expected}" in "${messages}"`);
    }
    await expectAccessible(page, 'files added');
    await shoot('start-files-added');
  });

  it('uploads then processes as two steps of one display: cards and rows agree, the bar goes back only when the step changes', async () => {
    // Uploads at about 150 KB/s, so the upload of the 700 KB file can be seen.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 150_000 });
    await page.getByRole('button', { name: 'Start Batch Upload (9 files)' }).click();
    const bar = page.getByRole('progressbar', { name: 'Batch progress' });
    await page.waitForFunction(() => {
      const text = document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="progress"]')?.getAttribute('aria-valuetext') ?? '';
      return /^Uploading: \d of 9 files sent \((\d+)%\)$/.test(text) && Number(/\((\d+)%\)/.exec(text)![1]) >= 10;
    });
    assert.deepEqual(
      await part('status-card')
        .allTextContents()
        .then((cards) => cards.map((c) => c.replace(/\s+/g, ' ').trim())),
      ['9 Uploading'],
    );
    assert.equal(
      await page
        .locator('batch-uploader [aria-current="step"]')
        .textContent()
        .then((t) => t?.trim()),
      'Uploading',
    );
    await expectAccessible(page, 'uploading');
    await shoot('progress-uploading');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await page.waitForFunction(() =>
      /^Processing: [1-4] of 9 files done/.test(
        document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="progress"]')?.getAttribute('aria-valuetext') ?? '',
      ),
    );
    assert.match((await bar.getAttribute('aria-valuetext')) ?? '', /^Processing: \d of 9 files done: \d completed, \d failed$/);
    assert.deepEqual(
      (await page.locator('batch-uploader [part~="steps"] li').allTextContents()).map((t) => t.trim()),
      ['Uploaded', 'Processing'],
    );
    await expectAccessible(page, 'processing');
    await shoot('progress-processing');
  });

  it('ends with the outcome first: Needs attention names each file with its reason and advice, retry only for the flaky one; the bar shows the shares', async () => {
    await part('outcome').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(300); // The bar's segments grow with a short transition.
    assert.equal(await words('summary'), 'Some files need attention: 7 succeeded, 2 failed, 4 not sent');
    const summaryStyle = await part('summary').evaluate((el) => ({
      border: getComputedStyle(el).borderInlineStartColor,
      icon: el.querySelector('path')?.getAttribute('d'),
    }));
    assert.equal(summaryStyle.border, 'rgb(180, 83, 9)', 'amber');
    assert.match(summaryStyle.icon ?? '', /^M12 9v4/, 'the warning icon');
    assert.equal(await page.getByRole('heading', { name: 'Needs attention (6)', level: 4 }).count(), 1);

    const items = await part('attention-item').evaluateAll((nodes) =>
      nodes.map((n) => ['attention-name', 'attention-reason', 'attention-advice'].map((p) => n.querySelector(`[part~="${p}"]`)!.textContent!.trim())),
    );
    assert.deepEqual(items, [
      ['damaged.pdf', 'The processing service could not read this document.', 'Scan or export it again, then add it in a new batch.'],
      ['flaky.pdf', 'The file could not be processed after several attempts.', 'Another try may work: choose Retry failed.'],
      ['setup.exe', 'not a PDF or an image', 'Save it as a PDF or an image (PNG, JPEG, TIFF, WebP), then add it in a new batch.'],
      ['big-scan.pdf', 'larger than 1 MB', 'Make it smaller (split it, or scan at a lower resolution), then add it in a new batch.'],
      ['referral.pdf', 'added twice', 'Nothing to do: it is in the batch once.'],
      ['extra.pdf', 'over the 9 files a batch can hold', 'Send it in another batch.'],
    ]);
    assert.equal(await words('retry-button'), 'Retry failed (1 file)');
    // In the accessibility tree, however the list is windowed.
    const tree = await page.locator('batch-uploader').ariaSnapshot();
    for (const name of ['damaged.pdf', 'flaky.pdf', 'setup.exe', 'extra.pdf']) assert.ok(tree.includes(name), `${name} in the accessibility tree`);

    assert.deepEqual(
      (await part('status-card').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim()),
      ['7 Completed', '2 Failed'],
      'zero cards hidden',
    );
    const bar = page.getByRole('progressbar', { name: 'Batch progress' });
    assert.equal(await bar.getAttribute('aria-valuetext'), '9 of 9 files done: 7 completed, 2 failed');
    const shares = await part('progress').evaluate((el) => ({
      completed: el.querySelector('.seg.completed')!.getBoundingClientRect().width / el.getBoundingClientRect().width,
      failed: el.querySelector('.seg.failed')!.getBoundingClientRect().width / el.getBoundingClientRect().width,
      stripes: getComputedStyle(el.querySelector('.seg.failed')!).backgroundImage,
    }));
    assert.ok(Math.abs(shares.completed - 7 / 9) < 0.02 && Math.abs(shares.failed - 2 / 9) < 0.02, JSON.stringify(shares));
    assert.match(shares.stripes, /repeating-linear-gradient/, 'the failed share is striped, not only red');

    const toast = part('toast');
    assert.equal(
      ((await toast.textContent()) ?? '')
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/ Close$/, ''),
      'Some files need attention: 7 succeeded, 2 failed, 4 not sent',
    );
    assert.match((await toast.getAttribute('class')) ?? '', /outcome-partial/);
    const { complete } = await recorded();
    assert.deepEqual(complete, [{ outcome: 'partial', notSent: 4, summary: '7 succeeded, 2 failed, 4 not sent', status: 'completed' }]);
    assert.match((await page.locator('#log').textContent()) ?? '', /batch-complete\s+batch [0-9a-f-]+ completed: 7 succeeded, 2 failed, 4 not sent/);
    await expectAccessible(page, 'finished with failures');
    await shoot('outcome-finished-with-failures');
    await shoot('outcome-finish-notice', true);
  });

  it('said each message once, in order, paced, progress at most every 5 s, and named the failed files and those not sent at the end', async () => {
    await page.waitForFunction(() => {
      const said = (window as unknown as { recorded: Recorded }).recorded.said;
      return said.at(-1)?.text.startsWith('Some files need attention');
    });
    const { said, samples } = await recorded();
    const texts = said.map((s) => s.text);
    assert.equal(new Set(texts).size, texts.length, `each message once: ${texts.join(' | ')}`);
    const order = ['9 files added, 2 not added.', 'discharge.pdf removed.', '1 file added, 2 not added.', 'Upload complete. Processing 9 files.'].map((t) =>
      texts.indexOf(t),
    );
    assert.ok(
      order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)),
      `in order: ${texts.join(' | ')}`,
    );
    assert.equal(
      texts.at(-1),
      'Some files need attention: 7 succeeded, 2 failed, 4 not sent. Failed: damaged.pdf, flaky.pdf. Not sent: setup.exe, big-scan.pdf, referral.pdf and 1 more.',
    );
    for (let i = 1; i < said.length; i++) assert.ok(said[i]!.at - said[i - 1]!.at >= 1_400, `"${texts[i - 1]}" stayed long enough before "${texts[i]}"`);
    const progress = said.filter((s) => / processed\.$|^Uploading: \d+%\.$/.test(s.text));
    assert.ok(progress.length >= 1, `progress was told: ${texts.join(' | ')}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.at - progress[i - 1]!.at >= 4_900, 'progress at most every 5 s');

    // The progress display over the whole batch.
    const uploading = samples.filter((s) => s.text.startsWith('Uploading: '));
    assert.ok(uploading.length > 5, `the upload was seen (${uploading.length} samples)`);
    for (const s of samples) {
      if (s.text.startsWith('Uploading: ')) assert.equal(s.step, 'Uploading');
      if (s.text.startsWith('Processing: ')) assert.equal(s.step, 'Processing');
      for (const card of s.cards) {
        const [count, word] = card.split(' ');
        // Rows are windowed: a card never counts fewer than the rows in view that say its word.
        assert.ok(s.rows.filter((row) => row === word).length <= Number(count), `${card} against rows ${s.rows.join(', ')}`);
        if (s.text.startsWith('Uploading: ')) assert.ok(word === 'Uploading' || word === 'Pending', `while uploading: ${card}`);
      }
    }
    for (let i = 1; i < samples.length; i++) {
      const [a, b] = [samples[i - 1]!, samples[i]!];
      assert.ok(b.sent >= a.sent, 'the sent share never goes back');
      if (b.now < a.now)
        assert.ok(
          a.text.startsWith('Uploading: ') && b.text.startsWith('Processing: '),
          `the bar went back only at the step change: "${a.text}" → "${b.text}"`,
        );
    }
  });

  it('retries only what may pass: the flaky file succeeds, the damaged one stays with its advice', async () => {
    await page.getByRole('button', { name: 'Retry failed (1 file)' }).click();
    await page.waitForFunction(() => (window as unknown as { recorded: Recorded }).recorded.complete.length === 2, undefined, { timeout: 60_000 });
    await part('outcome').waitFor();
    assert.equal(await words('summary'), 'Some files need attention: 8 succeeded, 1 failed, 4 not sent');
    assert.equal(await page.getByRole('heading', { name: 'Needs attention (5)' }).count(), 1);
    assert.equal(await part('retry-button').count(), 0, 'nothing left that a retry may fix');
    await page.waitForFunction(() => (window as unknown as { recorded: Recorded }).recorded.said.at(-1)?.text.includes('8 succeeded'));
    const { said } = await recorded();
    assert.ok(
      said.some((s) => s.text === 'Trying 2 files again.'),
      'the retry is announced (the server runs the damaged file again too)',
    );
    assert.equal(
      said.at(-1)!.text,
      'Some files need attention: 8 succeeded, 1 failed, 4 not sent. Failed: damaged.pdf. Not sent: setup.exe, big-scan.pdf, referral.pdf and 1 more.',
    );
  });

  it('a cancelled batch says so in grey with its icon, in the heading, the notice and the history', async () => {
    await page.getByRole('button', { name: 'Upload another batch' }).click();
    await chooseFiles(
      page.getByRole('button', { name: /Drop documents here or choose files/ }),
      Array.from({ length: 9 }, (_, i) => ({ name: `letter-${i + 1}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) })),
    );
    await page.getByRole('button', { name: 'Start Batch Upload (9 files)' }).click();
    await page.getByRole('button', { name: 'Cancel' }).waitFor();
    await page.waitForFunction(() =>
      /^Processing: /.test(document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="progress"]')?.getAttribute('aria-valuetext') ?? ''),
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForFunction(() => (window as unknown as { recorded: Recorded }).recorded.complete.length === 3, undefined, { timeout: 30_000 });
    await part('outcome').waitFor();
    assert.match(await words('summary'), /^Batch cancelled: \d succeeded, 0 failed, \d cancelled$/);
    assert.equal(await part('summary').evaluate((el) => getComputedStyle(el).borderInlineStartColor), 'rgb(75, 85, 99)', 'grey');
    assert.match((await part('toast').getAttribute('class')) ?? '', /outcome-cancelled/);
    const history = page.locator('batch-uploader [part~="history"] li');
    await page.waitForFunction(() =>
      (document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="history"] li')?.textContent ?? '').includes('Batch cancelled'),
    );
    const entries = (await history.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.match(entries[0]!, /^Batch cancelled · /);
    assert.match(entries[1]!, /^Some files need attention · .*9 files, 8 succeeded, 1 failed$/);
    const classes = await history.evaluateAll((items) => items.slice(0, 2).map((i) => i.className));
    assert.deepEqual(classes, ['outcome-cancelled', 'outcome-partial']);
    await expectAccessible(page, 'cancelled, history open');
    await shoot('outcome-cancelled-history');
    assert.deepEqual(pageErrors, []);
  });
});
