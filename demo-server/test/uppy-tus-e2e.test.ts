/**
 * End to end with an official tus client in a real Chromium: a portal on another origin
 * than the API bundles Uppy with its Tus plugin, as a web team would, and sends three
 * files (one damaged) into a batch made with POST /batches, through the demo server's
 * CORS grants. After the close, the batch reads 2 completed and 1 failed.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import type { CreateBatchResponse } from '@batch-uploader/protocol';
import { launchChromium } from '@batch-uploader/test-support/browser';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { asA, TOKEN_A, twoClinics, waitForFinished } from '@batch-uploader/test-support/http';

// The portal's own script: Uppy and its Tus plugin, bundled from npm.
const PORTAL_SCRIPT = `
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';
window.sendWithUppy = async ({ api, token, batchId, files }) => {
  const uppy = new Uppy({ autoProceed: false, meta: { batch_id: batchId } });
  uppy.use(Tus, { endpoint: api + '/uploads', headers: { authorization: 'Bearer ' + token }, chunkSize: 16 * 1024, retryDelays: [0, 500] });
  for (const file of files) {
    uppy.addFile({ name: file.name, type: file.type, data: new Blob([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], { type: file.type }) });
  }
  const result = await uppy.upload();
  return { successful: result.successful.length, failed: result.failed.map((f) => String(f.error)) };
};
`;

let docs: Documents;
let browser: Browser;
let portal: HttpServer;
let server: Awaited<ReturnType<typeof startTestServer>>;

async function startPortal(script: string): Promise<HttpServer> {
  const http = createServer((req, res) => {
    if (req.url === '/js/portal.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (req.url === '/') {
      return res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head><body><h1>Scans</h1><script src="/js/portal.js"></script></body></html>',
        );
    }
    res.writeHead(404).end();
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return http;
}

before(async () => {
  docs = await documents();
  const bundle = await build({
    stdin: { contents: PORTAL_SCRIPT, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  portal = await startPortal(bundle.outputFiles[0]!.text);
  const portalOrigin = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  server = await startTestServer({ apiTokens: twoClinics(), corsOrigins: [portalOrigin] });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  portal?.close();
  await server?.close();
});

describe('Uppy with its Tus plugin, in Chromium, from a portal on another origin', () => {
  it('sends three files into a batch made with POST /batches; after close, 2 completed and 1 failed', async () => {
    const made = await fetch(`${server.api}/batches`, { method: 'POST', headers: asA });
    const { batch_id } = (await made.json()) as CreateBatchResponse;
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(portal.address() as AddressInfo).port}/`);
      const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
      const result = await page.evaluate(
        (input) => (window as unknown as { sendWithUppy: (i: unknown) => Promise<{ successful: number; failed: string[] }> }).sendWithUppy(input),
        {
          api: server.api,
          token: TOKEN_A,
          batchId: batch_id,
          files: [
            { name: 'referral.pdf', type: 'application/pdf', base64: base64(docs.pdf) },
            { name: 'wound.png', type: 'image/png', base64: base64(docs.png) },
            { name: 'discharge.pdf', type: 'application/pdf', base64: base64(docs.truncatedPdf) },
          ],
        },
      );
      assert.deepEqual(result, { successful: 3, failed: [] }, 'every upload reached the server through the CORS grants');
    } finally {
      await page.close();
    }
    assert.equal((await fetch(`${server.api}/batch/${batch_id}/close`, { method: 'POST', headers: asA })).status, 200);
    const batch = await waitForFinished(server.api, batch_id, asA);
    assert.deepEqual(batch.files.map((file) => [file.filename, file.status, file.error?.code ?? null]).sort(), [
      ['discharge.pdf', 'failed', 'CORRUPT_FILE'],
      ['referral.pdf', 'completed', null],
      ['wound.png', 'completed', null],
    ]);
  });
});
