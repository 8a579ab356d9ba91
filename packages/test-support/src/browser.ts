import { chromium, type Browser, type Locator } from 'playwright-core';

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
