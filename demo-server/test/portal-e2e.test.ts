/**
 * End to end, across origins: a portal page served by a server of its own, on another
 * port than the API (another origin, the same site), embeds the element's built bundle
 * (`rollup -c` first) the way the README tells a portal to, with its own
 * Content-Security-Policy, in a real Chromium (playwright-core). A clerk uploads and
 * follows a batch with a bearer token, and again with the portal's cookie; without
 * CORS_ORIGINS, the widget says that cross-origin settings may be the cause.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BatchHistoryResponse } from '@batch-uploader/protocol';
import type * as Sdk from '@batch-uploader/sdk';
import { chooseFiles, launchChromium } from '@batch-uploader/test-support/browser';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { TOKEN_A, TOKEN_B, twoClinics } from '@batch-uploader/test-support/http';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const COOKIE = 'batch_uploader_token';
const require = createRequire(import.meta.url);
/** The folder of the element's bundle: the entry `batch-uploader.js` and the chunks it imports (`chunks/<name>-<hash>.js`). */
const ELEMENT_DIST = join(dirname(require.resolve('@batch-uploader/element/package.json')), 'dist');
const ELEMENT_FILE = /^\/js\/(batch-uploader\.js|chunks\/[\w-]+\.js)$/;
const SDK_BUNDLE = join(dirname(require.resolve('@batch-uploader/sdk/package.json')), 'dist', 'batch-uploader-sdk.js');

let docs: Documents;
let browser: Browser;
let portal: HttpServer;
let portalOrigin = '';
/** CORS_ORIGINS = the portal: tokens. */
let tokenApi: Server;
/** CORS_ORIGINS, CORS_CREDENTIALS=true, AUTH_COOKIE: the portal's cookie. */
let cookieApi: Server;
/** No CORS_ORIGINS: the portal gets no grant. */
let closedApi: Server;

/** The portal's pages: `/?api=<API url>&mode=token|cookie[&history]`, its scripts and the bundles it copied (the element's folder of chunks too). */
function startPortal(): Promise<HttpServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://portal.invalid');
      const send = (type: string, body: string | Buffer) => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      };
      const element = ELEMENT_FILE.exec(url.pathname);
      if (element) return send('text/javascript', await readFile(join(ELEMENT_DIST, element[1]!)));
      if (url.pathname === '/js/batch-uploader-sdk.js') return send('text/javascript', await readFile(SDK_BUNDLE));
      // The portal's own sign-in knows the clerk's token; the page asks for it when the element does.
      if (url.pathname === '/js/token.js')
        return send('text/javascript', `document.querySelector('batch-uploader').getAuthToken = async () => ${JSON.stringify(TOKEN_A)};\n`);
      if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
      if (url.pathname !== '/') return res.writeHead(404).end();
      const api = url.searchParams.get('api') ?? '';
      const cookie = url.searchParams.get('mode') === 'cookie';
      res.setHeader(
        'content-security-policy',
        // What the README asks of a portal's policy: the bundle from the portal's own scripts, connections to the API's origin.
        `default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ${new URL(api).origin}; object-src 'none'; base-uri 'none'`,
      );
      // The portal's session cookie, as its sign-in would set it: this host, every port.
      if (cookie) res.setHeader('set-cookie', `${COOKIE}=${TOKEN_A}; Path=/; HttpOnly; SameSite=Lax`);
      send(
        'text/html; charset=utf-8',
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clinic portal</title>
</head>
<body><main><h1>Referrals</h1>
<batch-uploader endpoint="${api}"${cookie ? ' credentials="include"' : ''}${url.searchParams.has('history') ? ' show-history' : ''} patient-field="hidden"></batch-uploader>
</main>${cookie ? '' : '<script type="module" src="/js/token.js"></script>'}
<script type="module" src="/js/batch-uploader.js"></script></body></html>`,
      );
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

before(async () => {
  docs = await documents();
  portal = await startPortal();
  portalOrigin = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  const apiTokens = twoClinics();
  // 300 ms per file, one at a time: the batch is followed live for about a second.
  const paced = { apiTokens, processingDelayMs: 300, concurrency: 1 };
  tokenApi = await startTestServer({ ...paced, corsOrigins: [portalOrigin] });
  cookieApi = await startTestServer({ ...paced, corsOrigins: [portalOrigin], corsCredentials: true, authCookie: COOKIE });
  closedApi = await startTestServer({ apiTokens });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.all([tokenApi?.close(), cookieApi?.close(), closedApi?.close()]);
  portal?.closeAllConnections();
  await new Promise((resolve) => portal?.close(resolve));
});

/** What a page did: its errors, console errors, and the API requests and answers it saw. */
interface Watched {
  page: Page;
  context: BrowserContext;
  errors: string[];
  apiRequests: { method: string; url: string; authorization: string | undefined; cookie: string | undefined }[];
  streams: { status: number; type: string }[];
}

async function openPortal(api: Server, mode: 'token' | 'cookie', { showHistory = false } = {}): Promise<Watched> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watched: Watched = { page, context, errors: [], apiRequests: [], streams: [] };
  page.on('pageerror', (error) => watched.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(api.api)) return;
    // With the cookies the browser added: the headers as they left.
    void request.allHeaders().then((headers) => {
      watched.apiRequests.push({ method: request.method(), url: request.url(), authorization: headers.authorization, cookie: headers.cookie });
    });
  });
  page.on('response', (response) => {
    if (response.url().includes('/batch-events/')) watched.streams.push({ status: response.status(), type: response.headers()['content-type'] ?? '' });
  });
  await page.goto(`${portalOrigin}/?mode=${mode}&api=${encodeURIComponent(api.api)}${showHistory ? '&history' : ''}`);
  return watched;
}

/** A clerk picks three documents and starts; the widget follows the batch to its summary. */
async function uploadThree(page: Page): Promise<void> {
  await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
    { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
    { name: 'wound.png', mimeType: 'image/png', buffer: Buffer.from(docs.png) },
    { name: 'xray.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(docs.jpeg) },
  ]);
  await page.getByRole('button', { name: 'Start Batch Upload (3 files)' }).click();
  // Mid-batch first: the progress is followed live, not only found at the end.
  await page.waitForFunction(() => {
    const text = document.querySelector('batch-uploader')?.shadowRoot?.querySelector('[part~="progress"]')?.getAttribute('aria-valuetext') ?? '';
    return /^Processing: [0-2] of 3 files done/.test(text);
  });
  await page.getByRole('heading', { name: 'All files succeeded: 3 succeeded, 0 failed' }).waitFor({ timeout: 20_000 });
}

async function history(api: Server, token: string): Promise<BatchHistoryResponse> {
  return (await (await fetch(`${api.api}/batch-history`, { headers: { authorization: `Bearer ${token}` } })).json()) as BatchHistoryResponse;
}

describe('a portal on another origin embeds the widget', () => {
  it('uploads and follows a batch with a bearer token, live events included; the history’s chunk loads under the portal’s policy', async () => {
    const { page, context, errors, apiRequests, streams } = await openPortal(tokenApi, 'token', { showHistory: true });
    await uploadThree(page);
    // The history's code is a chunk of the bundle, imported from the portal's copy of the folder.
    await page.getByRole('heading', { name: 'Recent batches' }).waitFor();
    await page
      .locator('batch-uploader [part~="history"] li')
      .getByText(/^All files succeeded · /)
      .waitFor();

    assert.deepEqual(errors, [], 'no page or console errors (no CORS or CSP refusal)');
    assert.ok(
      streams.some((s) => s.status === 200 && s.type.startsWith('text/event-stream')),
      `the live event stream was read cross-origin: ${JSON.stringify(streams)}`,
    );
    const upload = apiRequests.find((r) => r.method === 'POST' && r.url.endsWith('/batch-upload'));
    assert.equal(upload?.authorization, `Bearer ${TOKEN_A}`);
    assert.ok(
      apiRequests.every((r) => r.cookie === undefined),
      'no cookies without credentials',
    );
    const batches = (await history(tokenApi, TOKEN_A)).batches;
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.progress.completed, 3);
    await context.close();
  });

  it('uploads and follows a batch with the portal’s cookie (credentials="include"), and the SDK reads ETags', async () => {
    const { page, context, errors, apiRequests, streams } = await openPortal(cookieApi, 'cookie');
    await uploadThree(page);

    assert.deepEqual(errors, []);
    assert.ok(
      streams.some((s) => s.status === 200 && s.type.startsWith('text/event-stream')),
      `the live event stream was read with the cookie: ${JSON.stringify(streams)}`,
    );
    assert.ok(apiRequests.length > 0 && apiRequests.every((r) => r.authorization === undefined), 'no token anywhere: the cookie alone');
    const upload = apiRequests.find((r) => r.method === 'POST' && r.url.endsWith('/batch-upload'));
    assert.match(upload?.cookie ?? '', new RegExp(`${COOKIE}=${TOKEN_A}`), 'the upload carried the cookie');
    const batches = (await history(cookieApi, TOKEN_A)).batches;
    assert.equal(batches.length, 1, 'in the workspace of the token in the cookie');
    assert.equal(batches[0]!.progress.completed, 3);
    assert.equal((await history(cookieApi, TOKEN_B)).batches.length, 0);

    // The SDK's own bundle in the same page: a fetch upload with the cookie, then a
    // conditional read that needs the ETag the server exposes to the portal.
    const seen = await page.evaluate(
      async ({ api, pdf }) => {
        const sdk = (await import('/js/batch-uploader-sdk.js' as string)) as typeof Sdk;
        const client = new sdk.BatchClient({ endpoint: api, credentials: 'include', uploadTransport: 'fetch' });
        const { batch_id } = await client.upload([new File([new Uint8Array(pdf)], 'letter.pdf', { type: 'application/pdf' })]);
        const final = await client.watchBatch(batch_id);
        const first = await client.getBatchIfChanged(batch_id, null);
        const again = await client.getBatchIfChanged(batch_id, first.etag);
        return { status: final.status, etag: first.etag, unchanged: again.batch === null };
      },
      { api: cookieApi.api, pdf: [...docs.pdf] },
    );
    assert.equal(seen.status, 'completed');
    assert.ok(seen.etag, 'the ETag is readable across origins');
    assert.equal(seen.unchanged, true, 'the second read was a 304');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('without CORS_ORIGINS, tells that the server’s cross-origin settings may be the cause', async () => {
    const { page, context } = await openPortal(closedApi, 'token');
    await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
      { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
    ]);
    await page.getByRole('button', { name: 'Start Batch Upload (1 file)' }).click();
    // The upload is tried again a few times (a network error may pass), then the widget says why it stopped.
    const message = page.getByText(/cross-origin settings \(CORS\) may not allow/);
    await message.first().waitFor({ timeout: 30_000 });
    const text = (await message.first().textContent()) ?? '';
    assert.ok(text.includes(portalOrigin) && text.includes(new URL(closedApi.api).origin), `both origins named: ${text}`);
    assert.equal((await history(closedApi, TOKEN_A)).batches.length, 0);
    await context.close();
  });
});
