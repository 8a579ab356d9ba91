import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** The system's Chromium, headless, without the background traffic that a test has no use for. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A file as the picker hands it to the page. */
export interface ChosenFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * Clicks `opener` (the element's drop zone, a real button) and picks `files` in the file
 * chooser it opens: files made in memory (modified "now", each time), or paths of files on
 * disk (modified when written: picked twice, the same file).
 */
export async function chooseFiles(opener: Locator, files: ChosenFile[] | string[]): Promise<void> {
  const chooser = opener.page().waitForEvent('filechooser');
  await opener.click();
  await (await chooser).setFiles(files);
}

/**
 * Fails with axe-core's violations inside the page's `<batch-uploader>` (`id (nodes)` each),
 * naming `state`. The page must have loaded axe-core (`window.axe`).
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const violations = await page.evaluate(async () => {
    const { violations } = await (
      window as unknown as { axe: { run(el: Element, o: object): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }
    ).axe.run(document.querySelector('batch-uploader')!, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  assert.deepEqual(violations, [], `axe-core in the state "${state}"`);
}

/**
 * axe-core over the whole page, not only the element: the host page's own landmarks and
 * content (the demo page, an example app) in the same state. Needs axe-core added to the page.
 */
export async function expectPageAccessible(page: Page, state: string): Promise<void> {
  const violations = await page.evaluate(async () => {
    const { violations } = await (
      window as unknown as { axe: { run(el: Document, o: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }
    ).axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  assert.deepEqual(violations, [], `axe-core on the whole page in the state "${state}"`);
}

/** Where and how {@link screenshotAtWidths} saves. */
export interface ScreenshotOptions {
  /** The folder (made if missing); null saves nothing (screenshots are taken when a test run asks for them). */
  dir: string | null;
  widths: readonly number[];
  /** The whole viewport instead of the `<batch-uploader>` alone (e.g. to show a notice over the page). */
  viewport?: boolean;
  /** Stops CSS animations first (a spinner caught mid-turn differs from run to run). */
  stillAnimations?: boolean;
  /** The viewport width to leave the page at. @default 1280 */
  restoreWidth?: number;
}

/**
 * Saves `<state>-<width>.png` of the page's `<batch-uploader>` at each width, after two
 * frames so the layout has settled, as palette PNGs (a third of the bytes, the same to the eye).
 */
export async function screenshotAtWidths(page: Page, state: string, options: ScreenshotOptions): Promise<void> {
  if (!options.dir) return;
  await mkdir(options.dir, { recursive: true });
  const shotOptions = options.stillAnimations ? ({ animations: 'disabled' } as const) : {};
  for (const width of options.widths) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const png = options.viewport ? await page.screenshot(shotOptions) : await page.locator('batch-uploader').screenshot(shotOptions);
    await writeFile(join(options.dir, `${state}-${width}.png`), await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer());
  }
  await page.setViewportSize({ width: options.restoreWidth ?? 1280, height: 900 });
}

/** The batch id of the page's `<batch-uploader>` session (what its `batch-complete` event names). */
export function elementBatchId(page: Page): Promise<string> {
  return page.evaluate(
    () => (document.querySelector('batch-uploader') as unknown as { session: { getState(): { batchId: string } } }).session.getState().batchId,
  );
}

/** The part names (else the id or tag) of what has focus, followed down the shadow roots. */
export function focusedPart(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('part') ?? active?.id ?? active?.tagName ?? '';
  });
}

/** Presses Tab, at most `presses` times, until the focused element's part names include `part`; resolves with what has focus then. */
export async function tabUntilPart(page: Page, part: string, presses = 6): Promise<string> {
  let reached = '';
  for (let pressed = 0; pressed < presses && !reached.split(' ').includes(part); pressed++) {
    await page.keyboard.press('Tab');
    await page.waitForTimeout(150);
    reached = await focusedPart(page);
  }
  return reached;
}
