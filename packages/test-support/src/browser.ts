import assert from 'node:assert/strict';
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

/** Clicks `opener` (the element's drop zone, a real button) and picks `files` in the file chooser it opens. */
export async function chooseFiles(opener: Locator, files: ChosenFile[]): Promise<void> {
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
