/**
 * End to end, issue 14 §2 and §4: the demo page in real Chromium (playwright-core) on a
 * phone-wide window, used with the keyboard alone. A clerk opens the file picker from the
 * drop zone, picks 50 files (one with a long name, one damaged), walks the file list row
 * by row to row 50's remove button — with a pause between presses, so the windowed list
 * scrolls and renders as it would for a person — starts, and follows focus to the
 * progress and then to the outcome. At 320 and 390 px wide nothing overflows sideways,
 * the long name keeps its end, the damaged file's reason shows in full, and the finish
 * notice stays within the element. axe-core finds nothing in any of these states.
 *
 * With SCREENSHOTS=<folder> (e.g. docs/screenshots) it also saves the states at 320, 390,
 * 768 and 1280 px wide.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, expectAccessible, expectPageAccessible, screenshotAtWidths } from '@batch-uploader/test-support/browser';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';

const WIDTHS = [320, 390, 768, 1280] as const;
const SHOTS = process.env.SCREENSHOTS ?? null;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const LONG = 'discharge-summary-2026-01-07_FINAL_v3_signed.pdf';
const DAMAGED = 'referral-letter-cardiology-outpatients-2026-01-05.pdf';
/** The 50 files in the order picked: the long name and the damaged file among the first. */
const NAMES = [LONG, 'xray-chest.pdf', DAMAGED, ...Array.from({ length: 47 }, (_, i) => `letter-${String(i + 4).padStart(2, '0')}.pdf`)];

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let docs: Documents;
const pageErrors: string[] = [];

/**
 * The control that has the keyboard focus, followed down through shadow roots: for a cell of
 * the file list, its file's name (with ":remove" for the remove button); else its part name.
 * (Plain script text: the test's compiler would add helpers the page does not have.)
 */
const FOCUSED = `(() => {
  let node = document.activeElement;
  while (node && node.shadowRoot && node.shadowRoot.activeElement) node = node.shadowRoot.activeElement;
  if (!node) return 'nothing';
  const row = node.closest('[part~="file-row"]');
  if (row) {
    const name = row.querySelector('[part~="file-name"]').textContent;
    return node.matches('[part~="remove-button"]') ? name + ':remove' : name;
  }
  return node.getAttribute('part') || node.id || node.tagName.toLowerCase();
})()`;

function focused(): Promise<string> {
  return page.evaluate(FOCUSED);
}

/** Presses a key, then waits as a person would before the next one. */
async function press(key: string): Promise<string> {
  await page.keyboard.press(key);
  await page.waitForTimeout(120);
  return focused();
}

/** Presses Tab until `wanted` has the focus (at most 20 times); the focus stops passed on the way. */
async function tabTo(wanted: (at: string) => boolean): Promise<string[]> {
  const path: string[] = [];
  for (let i = 0; i < 20; i++) {
    const at = await press('Tab');
    path.push(at);
    if (wanted(at)) return path;
  }
  assert.fail(`Tab never reached it: ${path.join(' → ')}`);
}

/** Saves the element (or, with `viewport`, the window) at every width, when SCREENSHOTS is set; back to `width` after. */
function shoot(state: string, width: number, viewport = false): Promise<void> {
  return screenshotAtWidths(page, state, { dir: SHOTS, widths: WIDTHS, viewport, restoreWidth: width });
}

/** What overflows sideways at this width: the page, and any element of the widget wider inside than its box. */
function overflow(): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page (${root.scrollWidth} > ${root.clientWidth})`);
    const host = document.querySelector('batch-uploader')!;
    const hostBox = host.getBoundingClientRect();
    for (const el of host.shadowRoot!.querySelectorAll<HTMLElement>('*')) {
      // The head of a long name is cut on purpose (its end stays: see rowSeen).
      if (el instanceof SVGElement || el.closest('.sr-only') || el.matches('.name-head')) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0) continue;
      const name = `${el.tagName.toLowerCase()}.${el.className || el.getAttribute('part')}`;
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
        found.push(`${name} clips (${el.scrollWidth} > ${el.clientWidth})`);
      if (box.right > hostBox.right + 0.5 || box.left < hostBox.left - 0.5) found.push(`${name} sticks out of the element`);
    }
    return found;
  });
}

/** What {@link rowSeen} finds. */
interface RowSeen {
  tail: string;
  tailPainted: boolean;
  tailInList: boolean;
  reason: string;
  reasonClipped: boolean;
  reasonPainted: boolean;
}

/**
 * For the row of `name`: whether its name's end and its reason are what is painted where
 * they are (the shadow root's elementFromPoint at the centre of their text), and in full.
 * (Plain script text, as for FOCUSED.)
 */
function rowSeen(name: string): Promise<RowSeen> {
  return page.evaluate(`(() => {
    const root = document.querySelector('batch-uploader').shadowRoot;
    const row = [...root.querySelectorAll('[part~="file-row"]')].find((r) => r.querySelector('[part~="file-name"]').textContent === ${JSON.stringify(name)});
    row.scrollIntoView({ block: 'center' }); // elementFromPoint sees only what is in the window.
    const list = root.querySelector('[part~="file-list"]').getBoundingClientRect();
    const painted = (el) => {
      if (!el) return false;
      const range = document.createRange();
      range.selectNodeContents(el);
      const box = range.getBoundingClientRect();
      const hit = root.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return !!hit && (hit === el || el.contains(hit));
    };
    const tail = row.querySelector('.name-tail');
    const tailBox = tail.getBoundingClientRect();
    const reason = row.querySelector('[part~="file-error"]');
    return {
      tail: tail.textContent,
      tailPainted: painted(tail),
      tailInList: tailBox.left >= list.left && tailBox.right <= list.right,
      reason: reason ? reason.textContent : '',
      reasonClipped: !reason || reason.scrollHeight > reason.clientHeight + 1 || reason.scrollWidth > reason.clientWidth + 1 || reason.getBoundingClientRect().bottom > row.getBoundingClientRect().bottom + 0.5,
      reasonPainted: painted(reason),
    };
  })()`);
}

before(async () => {
  docs = await documents();
  server = await startTestServer({ processingDelayMs: 300, concurrency: 3, maxFiles: 50 });
  browser = await launchChromium();
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // A listener turns the interception of file choosers on (asynchronously): done now, it is
  // on before Enter opens the picker (a click waits long enough for it, a key press not).
  page.on('filechooser', () => {});
  await page.goto(`${server.url}/batch-upload`);
  await page.addScriptTag({ path: AXE });
  await page.locator('batch-uploader [part~="drop-zone"]').waitFor();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('a 50-file batch by keyboard alone, on a phone-wide page', () => {
  it("opens the picker from the drop zone with Enter, then walks every row in order to row 50's remove button", async () => {
    await tabTo((at) => at === 'drop-zone');
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    await (
      await chooser
    ).setFiles(NAMES.map((name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(name === DAMAGED ? docs.truncatedPdf : docs.pdf) })));
    await page.getByRole('button', { name: 'Start Batch Upload (50 files)' }).waitFor();
    const path = await tabTo((at) => NAMES.includes(at));
    assert.equal(path.at(-1), NAMES[0], 'Tab enters the list at its first row');
    await expectAccessible(page, 'files added, focus in the list');
    await expectPageAccessible(page, 'the demo page at 390 px, 50 files added');
    const seen = [path.at(-1)!];
    for (let i = 1; i < NAMES.length; i++) seen.push(await press('ArrowDown'));
    assert.deepEqual(seen, NAMES, 'each row once, in order');
    assert.equal(await press('ArrowRight'), `${NAMES[49]}:remove`);
    const label = await page.evaluate(() => document.querySelector('batch-uploader')!.shadowRoot!.activeElement!.getAttribute('aria-label'));
    assert.equal(label, `Remove ${NAMES[49]}`);
    assert.ok(
      await page.evaluate(() => document.querySelector('batch-uploader')!.shadowRoot!.querySelectorAll('[part~="file-row"]').length < 50),
      'the list is windowed all along',
    );
    await shoot('keyboard-row-50-focused', 390);
    assert.equal(await press('Home'), `${NAMES[0]}:remove`, 'Home: the first row, same cell');
    assert.equal(await press('ArrowLeft'), NAMES[0]);
    await shoot('keyboard-list-top', 390);
    // Chromium's own accessibility tree: each row's cell is named by its file's name whole,
    // the long one too (shown shortened in the middle, in two pieces, which must not be read apart).
    const cdp = await context.newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const cells = nodes
      .filter((node) => node.role?.value === 'gridcell')
      .map((node) => String(node.name?.value ?? ''))
      .filter((name) => !name.startsWith('Remove'));
    assert.ok(cells.length >= 10, `rows in the tree: ${cells.length}`);
    for (const name of cells)
      assert.ok(
        NAMES.some((file) => name.startsWith(`${file} `) || name === file),
        `a cell named "${name}"`,
      );
    assert.ok(
      cells.some((name) => name.startsWith(`${LONG} `)),
      `the long name whole: ${cells.join(' | ')}`,
    );
    await cdp.detach();
  });

  it('at 320 and 390 px nothing overflows sideways and the long name keeps its end', async () => {
    for (const width of [320, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(200);
      assert.deepEqual(await overflow(), [], `at ${width} px`);
      const long = await rowSeen(LONG);
      assert.equal(long.tail, '_v3_signed.pdf', `at ${width} px`);
      assert.ok(long.tailPainted && long.tailInList, `the end of the long name is on screen at ${width} px: ${JSON.stringify(long)}`);
    }
  });

  it("starts by keyboard: focus goes to the progress, then to the outcome; the damaged file's reason shows in full, the notice stays within the element", async () => {
    assert.equal((await tabTo((at) => at.includes('start-button'))).at(-1), 'button start-button');
    assert.equal(await press('Enter'), 'progress-area', 'after Start');
    await page.locator('batch-uploader [part~="outcome"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(200);
    assert.equal(await focused(), 'outcome', 'at the end');
    const toast = await page.evaluate(() => {
      const host = document.querySelector('batch-uploader')!;
      const box = host.shadowRoot!.querySelector('[part~="toast"]')!.getBoundingClientRect();
      const hostBox = host.getBoundingClientRect();
      return {
        inside: box.top >= hostBox.top && box.bottom <= hostBox.bottom && box.left >= hostBox.left && box.right <= hostBox.right,
        shown: box.height > 0,
      };
    });
    assert.deepEqual(toast, { inside: true, shown: true }, 'the finish notice never covers the page around the element');
    await shoot('phone-finish-notice', 390, true);
    await expectAccessible(page, 'finished with a failure, focus on the outcome');
    await expectPageAccessible(page, 'the demo page at 390 px, finished, the notice up');
    // Back into the list (it kept its place: row 1), to the damaged file's row.
    assert.equal((await tabTo((at) => NAMES.includes(at))).at(-1), NAMES[0]);
    assert.equal(await press('ArrowDown'), NAMES[1]);
    assert.equal(await press('ArrowDown'), DAMAGED);
    for (const width of [320, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(200);
      assert.deepEqual(await overflow(), [], `finished, at ${width} px`);
      const damaged = await rowSeen(DAMAGED);
      assert.ok(damaged.reason.length > 20, `a reason: "${damaged.reason}"`);
      assert.ok(!damaged.reasonClipped && damaged.reasonPainted, `the reason in full at ${width} px: ${JSON.stringify(damaged)}`);
      assert.ok((await rowSeen(LONG)).tailPainted, `the long name's end at ${width} px`);
    }
    // The rows without the notice over them: it closes by itself.
    await page.locator('batch-uploader [part~="toast"]').waitFor({ state: 'detached', timeout: 15_000 });
    await shoot('phone-finished-rows', 390);
    assert.equal(await press('End'), NAMES[49], 'End: row 50 after the batch too');
    await expectAccessible(page, 'finished, focus on row 50');
    assert.deepEqual(pageErrors, []);
  });
});
