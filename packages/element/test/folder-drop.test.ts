/**
 * A real folder dropped on <batch-uploader> (and picked with "Choose a folder"), in Chromium (playwright-core) on the demo
 * server's /batch-upload page with the built bundle (`rollup -c` first). A page cannot
 * make a drop that carries a folder (a DataTransfer built by script holds files only),
 * so the drop comes from the browser itself: Chrome DevTools Protocol
 * `Input.dispatchDragEvent` with the folder's path on disk, as when it is dragged from
 * the desktop.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer } from '../../../demo-server/src/server.js';

let dir: string;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

const PDF = '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'folder-drop-'));
  // records/ holds two documents, a hidden file, and a subfolder with a third document.
  await mkdir(join(dir, 'records', 'scans'), { recursive: true });
  await writeFile(join(dir, 'records', 'a.pdf'), PDF);
  await writeFile(join(dir, 'records', 'b.pdf'), PDF);
  await writeFile(join(dir, 'records', '.DS_Store'), 'not a document');
  await writeFile(join(dir, 'records', 'scans', 'c.pdf'), PDF);
  await writeFile(join(dir, 'loose.pdf'), PDF);
  server = await startServer({ port: 0, dataDir: join(dir, 'data'), logLevel: 'silent', processingDelayMs: 0 });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Drags these paths from outside the browser and drops them on the element's drop zone. */
async function dropPaths(page: Page, paths: string[]): Promise<void> {
  const box = (await page
    .locator('batch-uploader')
    .getByRole('button', { name: /Drop documents/ })
    .boundingBox())!;
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
}

/** The file names the element lists. */
async function listed(page: Page): Promise<string[]> {
  return page.locator('batch-uploader').locator('[part~="file-name"]').allTextContents();
}

describe('dropping a folder on <batch-uploader>', () => {
  it('adds the files inside it and its subfolders, without hidden files, beside a file dropped with it', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/batch-upload`);
    await page
      .locator('batch-uploader')
      .getByRole('button', { name: /Drop documents/ })
      .waitFor();
    await dropPaths(page, [join(dir, 'records'), join(dir, 'loose.pdf')]);
    await page.locator('batch-uploader').getByRole('button', { name: 'Start Batch Upload (4 files)' }).waitFor();
    assert.deepEqual((await listed(page)).sort(), ['a.pdf', 'b.pdf', 'c.pdf', 'loose.pdf']);
    await page.close();
  });

  it('"Choose a folder" picks a whole folder the same way', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/batch-upload`);
    const chooser = page.waitForEvent('filechooser');
    await page.locator('batch-uploader').getByRole('button', { name: 'Choose a folder' }).click();
    await (await chooser).setFiles(join(dir, 'records'));
    await page.locator('batch-uploader').getByRole('button', { name: 'Start Batch Upload (3 files)' }).waitFor();
    assert.deepEqual((await listed(page)).sort(), ['a.pdf', 'b.pdf', 'c.pdf']);
    await page.close();
  });
});
