// Browser tests in headless Chromium. A real demo server runs beside the test server,
// and /api/gp is proxied to it, so pages talk to it same-origin (no CORS) and uploads,
// progress and Server-Sent Events go over real HTTP; /api/flaky goes to a second one
// whose processing fails files named flaky-* until they are retried; /api/guard to a third
// with the sample patient registry (PATIENTS_FILE), whose processing service reads each
// PDF's patient fields: documents of another patient are held for review.
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { Transform } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';

// Started when the config loads, because `middleware` must exist before the server does.
const { startServer } = await tsImport('./demo-server/src/server.ts', import.meta.url);
const { startProcessingService } = await tsImport('./packages/test-support/src/processing-service.ts', import.meta.url);
const dataDir = await mkdtemp(join(tmpdir(), 'wtr-demo-'));
const demo = await startServer({ port: 0, dataDir, logLevel: 'silent', processingDelayMs: 100 });
// A second server, at /api/flaky, hands files to a processing service (PROCESSOR_URL) that
// inspects them and is unavailable for files named flaky-*.pdf until their attempts are
// used up: they fail with PROCESSING_FAILED, and a retry makes them succeed. It refuses
// files named refused-* with a code of its own (422 UNREADABLE_SCAN).
const service = await startProcessingService({
  unavailableFor: (name) => (name.startsWith('flaky-') ? 3 : 0),
  refuse: (name) => (name.startsWith('refused-') ? 'UNREADABLE_SCAN' : null),
});
const flakyDataDir = await mkdtemp(join(tmpdir(), 'wtr-flaky-'));
const flaky = await startServer({
  port: 0,
  dataDir: flakyDataDir,
  logLevel: 'silent',
  processingDelayMs: 50,
  basePath: '/api/flaky',
  processorUrl: service.url,
});
const { configFromEnv } = await tsImport('./demo-server/src/config.ts', import.meta.url);
const fieldsService = await startProcessingService({ documentFields: true });
const guardDataDir = await mkdtemp(join(tmpdir(), 'wtr-guard-'));
const guard = await startServer({
  port: 0,
  dataDir: guardDataDir,
  logLevel: 'silent',
  basePath: '/api/guard',
  processorUrl: fieldsService.url,
  patients: configFromEnv({ PATIENTS_FILE: 'demo-server/patients.sample.json' }).patients,
});
const upstreams = new Map([
  ['/api/gp/', new URL(demo.url)],
  ['/api/flaky/', new URL(flaky.url)],
  ['/api/guard/', new URL(guard.url)],
  ['/api/outage/', new URL(demo.url)],
]);

// /api/outage is the first demo server behind a switch: POST /test-outage/down cuts every
// open connection through it (live streams included) and drops new ones, as a server
// that went away; POST /test-outage/up lets them through again.
const outage = { down: false, open: new Set() };

/** The switch of /api/outage. */
async function outageSwitch(ctx, next) {
  if (ctx.method !== 'POST' || (ctx.path !== '/test-outage/down' && ctx.path !== '/test-outage/up')) return next();
  outage.down = ctx.path.endsWith('/down');
  if (outage.down) for (const socket of outage.open) socket.destroy();
  ctx.body = { down: outage.down };
}

/** Proxies the APIs to the demo servers; `respond = false` lets bodies stream both ways untouched. */
async function proxyApi(ctx, next) {
  const prefix = [...upstreams.keys()].find((p) => ctx.url.startsWith(p));
  if (!prefix) return next();
  const upstream = upstreams.get(prefix);
  ctx.respond = false;
  if (prefix === '/api/outage/') {
    if (outage.down) return void ctx.req.socket.destroy();
    const socket = ctx.req.socket;
    if (!outage.open.has(socket)) {
      outage.open.add(socket);
      socket.once('close', () => outage.open.delete(socket));
    }
  }
  const path = prefix === '/api/outage/' ? ctx.url.replace('/api/outage/', '/api/gp/') : ctx.url;
  await new Promise((resolve) => {
    const proxied = request(
      { hostname: upstream.hostname, port: upstream.port, path, method: ctx.method, headers: { ...ctx.req.headers, host: upstream.host } },
      (res) => {
        ctx.res.writeHead(res.statusCode ?? 502, res.headers);
        res.pipe(ctx.res);
        res.on('end', resolve);
        res.on('error', resolve);
      },
    );
    proxied.on('error', () => {
      if (!ctx.res.headersSent) ctx.res.writeHead(502);
      ctx.res.end();
      resolve();
    });
    // A connection cut by the outage switch ends its request upstream too.
    if (prefix === '/api/outage/') {
      ctx.res.once('close', () => {
        proxied.destroy();
        resolve();
      });
    }
    // Uploads (multipart POSTs and tus PATCHes) are slowed down (about 6 MB/s), or loopback
    // finishes before the browser's first progress event and per-file progress cannot be seen.
    (ctx.method === 'POST' || ctx.method === 'PATCH' ? ctx.req.pipe(slowly()) : ctx.req).pipe(proxied);
  });
}

// msw's service worker, for the SDK's browser tests with mocked answers. Served from the
// package (never copied into the repository), at the root so its scope covers the test pages.
const MSW_WORKER = new URL('./node_modules/msw/lib/mockServiceWorker.js', import.meta.url);

/** Serves msw's worker script at /mockServiceWorker.js. */
async function serveMswWorker(ctx, next) {
  if (ctx.path !== '/mockServiceWorker.js') return next();
  ctx.type = 'application/javascript';
  ctx.set('Service-Worker-Allowed', '/');
  ctx.body = await readFile(MSW_WORKER, 'utf8');
}

/** Passes bytes on at a walking pace. */
function slowly() {
  return new Transform({
    transform(chunk, _encoding, callback) {
      setTimeout(() => callback(null, chunk), 10);
    },
  });
}

/**
 * Serves a CommonJS package as one ES module (esbuild bundles it with what it requires):
 * the tus client's browser build, loaded on demand for large files, imports url-parse,
 * which the element's bundle converts (rollup.config.mjs) and the test server must too.
 */
function commonjsAsModule(name) {
  const entry = `/node_modules/${name}/index.js`;
  return {
    name: `commonjs-as-module-${name}`,
    async serve(context) {
      if (!context.path.endsWith(entry)) return undefined;
      const { outputFiles } = await build({ entryPoints: [`node_modules/${name}/index.js`], bundle: true, format: 'esm', write: false, logLevel: 'silent' });
      return { body: outputFiles[0].text, type: 'js' };
    },
  };
}

/** Stops the demo server with the test server. */
const stopDemo = {
  name: 'stop-demo-server',
  async serverStop() {
    await Promise.all([demo.close(), flaky.close(), guard.close()]);
    await Promise.all([service.close(), fieldsService.close()]);
    await Promise.all([dataDir, flakyDataDir, guardDataDir].map((dir) => rm(dir, { recursive: true, force: true })));
  },
};

export default {
  files: ['packages/sdk/test/browser/*.test.ts', 'packages/element/src/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser'] },
  middleware: [serveMswWorker, outageSwitch, proxyApi],
  // One page at a time: while the msw tests run, their service worker sees the requests of
  // every page of the origin, and other pages' uploads must not pass through it.
  concurrency: 1,
  // The element's tsconfig: Lit's decorators need experimentalDecorators and useDefineForClassFields: false.
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'packages/element/tsconfig.json' }), commonjsAsModule('url-parse'), stopDemo],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    }),
  ],
  // Per test: element tests follow real batches through the demo server (processingDelayMs 100).
  testFramework: { config: { timeout: 20_000 } },
  testsFinishTimeout: 120_000,
};
