/**
 * The demo pages under their Content-Security-Policy, in a real Chromium: every page
 * works with `script-src 'self'` (no inline script, no eval) and reports no violation;
 * `FRAME_ANCESTORS` decides which portal may frame them; source maps are private unless
 * `SERVE_SOURCE_MAPS` is set.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, ConsoleMessage } from 'playwright-core';
import { chooseFiles, launchChromium } from '@batch-uploader/test-support/browser';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const PAGES = ['/', '/batch-upload', '/examples/react', '/examples/vue'];

let server: Server;
let browser: Browser;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A browser context that records every CSP violation its pages report, and what the console says of CSP. */
async function recordingContext(): Promise<{ context: BrowserContext; violations: () => Promise<string[]>; consoleCsp: string[] }> {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  const consoleCsp: string[] = [];
  context.on('console', (message: ConsoleMessage) => {
    if (/Content Security Policy/i.test(message.text())) consoleCsp.push(message.text());
  });
  return {
    context,
    consoleCsp,
    violations: async () => {
      const found: string[] = [];
      for (const page of context.pages()) {
        for (const frame of page.frames()) {
          found.push(...(await frame.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []).catch(() => [])));
        }
      }
      return found;
    },
  };
}

/** A page on another origin (another port) that frames what `src` names when the page is asked for. */
async function portal(src: () => string): Promise<{ url: string; origin: string; close(): Promise<void> }> {
  const http: HttpServer = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>EHR portal</title><h1>Portal</h1><iframe title="uploader" src="${src()}" width="900" height="700"></iframe>`);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

describe('the demo pages under a Content-Security-Policy', () => {
  it('answer with script-src self, frame-ancestors, nosniff and no referrer, and carry no inline script or style', async () => {
    for (const path of PAGES) {
      const res = await fetch(server.url + path);
      assert.equal(res.status, 200, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /(^|; )script-src 'self'(;|$)/, `${path}: ${csp}`);
      assert.match(csp, /(^|; )style-src 'self'(;|$)/);
      assert.match(csp, /(^|; )object-src 'none'(;|$)/);
      assert.match(csp, /(^|; )frame-ancestors 'self'(;|$)/, 'by default only this origin may frame the pages');
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
      const html = await res.text();
      assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, `${path}: every script is a file`);
      assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, `${path}: no inline style or handler`);
    }
  });

  it('work in Chromium with no violation: the widget page runs its script and a batch completes', async () => {
    const { context, violations, consoleCsp } = await recordingContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${server.url}/batch-upload`);
    await chooseFiles(page.getByRole('button', { name: /Drop documents here or choose files/ }), [
      { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
      { name: 'wound.png', mimeType: 'image/png', buffer: Buffer.from(docs.png) },
    ]);
    // The clinic theme's switch and the event log are the page's own script (a file now).
    await page.getByLabel(/Clinic theme/).check();
    assert.equal(await page.locator('batch-uploader.clinic').count(), 1);
    await page.getByRole('button', { name: 'Start Batch Upload (2 files)' }).click();
    await page.locator('#log li', { hasText: /batch-complete/ }).waitFor({ timeout: 20_000 });
    assert.match((await page.locator('#log').textContent()) ?? '', /batch-created .* with 2 file\(s\)/);
    // The page's style sheet applies (a file under style-src 'self').
    assert.equal(await page.locator('#log').evaluate((el) => getComputedStyle(el).overflowY), 'auto');

    for (const path of ['/', '/examples/react', '/examples/vue']) {
      await page.goto(server.url + path);
      if (path !== '/') {
        // The framework apps render: Vue's templates were compiled ahead, so no eval is needed.
        await page.getByRole('heading', { name: /(React|Vue) example/ }).waitFor();
        await page.getByRole('button', { name: /Drop documents here or choose files/ }).waitFor();
      }
    }
    assert.deepEqual(await violations(), []);
    assert.deepEqual(consoleCsp, []);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('cannot be framed by another origin by default', async () => {
    const other = await portal(() => `${server.url}/batch-upload`);
    const { context, consoleCsp } = await recordingContext();
    try {
      const page = await context.newPage();
      await page.goto(other.url);
      await page.waitForTimeout(500);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      assert.ok(frame);
      assert.equal(await frame.locator('batch-uploader').count(), 0, 'the framed page is blocked');
      assert.ok(
        consoleCsp.some((text) => /frame-ancestors/.test(text)),
        consoleCsp.join('\n'),
      );
    } finally {
      await context.close();
      await other.close();
    }
  });

  it('FRAME_ANCESTORS lets the named portal frame the widget, which then works in the frame', async () => {
    let allowed: Server | null = null;
    const other = await portal(() => `${allowed!.url}/batch-upload`);
    allowed = await startTestServer({ frameAncestors: `'self' ${other.origin}` });
    const { context, violations, consoleCsp } = await recordingContext();
    try {
      const res = await fetch(`${allowed.url}/batch-upload`);
      assert.match(res.headers.get('content-security-policy') ?? '', new RegExp(`frame-ancestors 'self' ${other.origin}(;|$)`));
      assert.equal(res.headers.get('x-frame-options'), null, 'X-Frame-Options cannot name another origin: left to the CSP');

      const page = await context.newPage();
      await page.goto(other.url);
      const frame = page.frameLocator('iframe[title="uploader"]');
      await chooseFiles(frame.getByRole('button', { name: /Drop documents here or choose files/ }), [
        { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
      ]);
      await frame.getByRole('button', { name: 'Start Batch Upload (1 file)' }).click();
      await frame.locator('#log li', { hasText: /batch-complete/ }).waitFor({ timeout: 20_000 });
      assert.deepEqual(await violations(), []);
      assert.deepEqual(consoleCsp, []);
    } finally {
      await context.close();
      await other.close();
      await allowed.close();
    }
  });
});

describe('the icon browsers ask for', () => {
  it('answers 204, so no page logs a failed request', async () => {
    const res = await fetch(server.url + '/favicon.ico');
    assert.equal(res.status, 204);
  });
});

describe('source maps', () => {
  const maps = ['/assets/batch-uploader.js.map', '/examples/react/main.js.map', '/examples/vue/main.js.map'];

  it('are not served by default, while the bundles are', async () => {
    for (const path of maps) {
      assert.equal((await fetch(server.url + path)).status, 404, path);
      assert.equal((await fetch(server.url + path.replace(/\.map$/, ''))).status, 200, path.replace(/\.map$/, ''));
    }
  });

  it('the chunk the bundle loads on demand (the tus client) is served beside it, its map not, other names 404', async () => {
    const bundle = await (await fetch(`${server.url}/assets/batch-uploader.js`)).text();
    const chunk = /import\("\.\/(chunks\/[\w-]+\.js)"\)/.exec(bundle)?.[1];
    assert.ok(chunk, 'the bundle imports a chunk on demand');
    const res = await fetch(`${server.url}/assets/${chunk}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.match(await res.text(), /Tus-Resumable/);
    assert.equal((await fetch(`${server.url}/assets/${chunk}.map`)).status, 404);
    assert.equal((await fetch(`${server.url}/assets/chunks/..%2Fbatch-uploader.js`)).status, 404);
    assert.equal((await fetch(`${server.url}/assets/chunks/missing.js`)).status, 404);
  });

  it('are served with SERVE_SOURCE_MAPS', async () => {
    const withMaps = await startTestServer({ serveSourceMaps: true });
    try {
      for (const path of maps) {
        const res = await fetch(withMaps.url + path);
        assert.equal(res.status, 200, path);
        assert.equal(((await res.json()) as { version: number }).version, 3);
      }
    } finally {
      await withMaps.close();
    }
  });
});
