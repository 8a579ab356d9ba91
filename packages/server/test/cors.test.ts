import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { createBatchRouter, type BatchRouterOptions } from '../src/index.js';
import { makeTextPdf } from '@batch-uploader/test-support/documents';
import { startRouterHost, type RouterHost } from './support/router-host.js';

// Portals on other origins, as a browser talks to the router: preflights, grants on
// every answer (errors and live event streams included), cookies, and the origin check
// that keeps other sites from making changes with a portal user's cookie. Node's fetch
// sends the headers a browser would (Origin, Sec-Fetch-Site, Cookie) as the test says.
// On Express 4 the same file runs again from express4.test.ts.

const PORTAL = 'http://portal.clinic.test:8080';
const OTHER = 'https://elsewhere.test';
const clinic = { 'x-workspace': 'clinic-a' };

let pdf: Uint8Array<ArrayBuffer>;
before(async () => {
  pdf = new Uint8Array(await makeTextPdf(['Referral']));
});

const hosts: RouterHost[] = [];
after(() => Promise.all(hosts.map((host) => host.close())));

async function host(options: Partial<BatchRouterOptions> = {}): Promise<RouterHost> {
  const started = await startRouterHost(options);
  hosts.push(started);
  return started;
}

function form(): FormData {
  const data = new FormData();
  data.append('files', new Blob([pdf], { type: 'application/pdf' }), 'referral.pdf');
  return data;
}

function preflight(api: string, path: string, origin: string, method = 'POST', headers = 'authorization'): Promise<Response> {
  return fetch(api + path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });
}

function listOf(res: Response, name: string): string[] {
  return (res.headers.get(name) ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
}

/** The answer carries no grant of any kind. */
function assertNoGrant(res: Response): void {
  for (const [name] of res.headers) assert.ok(!name.startsWith('access-control-'), `no ${name} expected`);
}

async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as ErrorResponse).error.code;
}

describe('without the cors option', () => {
  it('grants no other origin anything, as before: the preflight goes to authentication', async () => {
    const { api } = await host();
    const get = await fetch(`${api}/limits`, { headers: { ...clinic, origin: PORTAL } });
    assert.equal(get.status, 200);
    assertNoGrant(get);
    await get.body?.cancel();
    const options = await preflight(api, '/batch-upload', PORTAL);
    assert.equal(options.status, 401);
    assertNoGrant(options);
    await options.body?.cancel();
  });
});

describe('with cors.origins', () => {
  let api = '';
  let authenticated = 0;
  before(async () => {
    ({ api } = await host({
      cors: { origins: [PORTAL, 'http://localhost:3001'], allowHeaders: ['X-Clinic-Site'] },
      uploadRateLimit: { limit: 1 },
      authenticate: ({ req }) => {
        authenticated++;
        const workspace = req.get('x-workspace');
        return workspace ? { workspace_id: workspace } : null;
      },
    }));
  });

  it('answers a listed origin’s preflight before authentication and the rate limiter', async () => {
    const before = authenticated;
    for (let i = 0; i < 3; i++) {
      const res = await preflight(api, '/batch-upload', PORTAL, 'POST', 'authorization,content-type,x-clinic-site');
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), PORTAL);
      assert.equal(res.headers.get('access-control-allow-credentials'), null, 'no cookies without cors.credentials');
      assert.deepEqual(listOf(res, 'access-control-allow-methods'), ['get', 'head', 'post', 'patch', 'delete']);
      for (const name of [
        'authorization',
        'content-type',
        'if-none-match',
        'last-event-id',
        'x-clinic-site',
        'tus-resumable',
        'upload-length',
        'upload-offset',
        'upload-metadata',
      ]) {
        assert.ok(listOf(res, 'access-control-allow-headers').includes(name), name);
      }
      assert.equal(res.headers.get('access-control-max-age'), '600');
      assert.ok(listOf(res, 'vary').includes('origin'));
      assert.equal(await res.text(), '');
    }
    assert.equal(authenticated, before, 'authentication never ran for a preflight');
    // The limit is one upload a minute: the preflights did not count.
    const upload = await fetch(`${api}/batch-upload`, { method: 'POST', headers: { ...clinic, origin: PORTAL }, body: form() });
    assert.equal(upload.status, 202);
    assert.equal(upload.headers.get('access-control-allow-origin'), PORTAL);
    await upload.body?.cancel();
  });

  it('refuses the preflight of an origin not listed with 403 and no grant', async () => {
    for (const origin of [OTHER, 'http://portal.clinic.test:8081', 'https://portal.clinic.test:8080', 'null']) {
      const res = await preflight(api, '/batch-history', origin, 'GET');
      assert.equal(res.status, 403, origin);
      assertNoGrant(res);
      assert.ok(listOf(res, 'vary').includes('origin'));
      assert.equal(await codeOf(res), 'FORBIDDEN_ORIGIN');
    }
  });

  it('grants a listed origin on every answer: success, errors, 429, and the headers the SDK reads', async () => {
    const answers = [
      await fetch(`${api}/limits`, { headers: { ...clinic, origin: PORTAL } }),
      await fetch(`${api}/limits`, { headers: { origin: PORTAL } }),
      await fetch(`${api}/batch-status/not-a-uuid`, { headers: { ...clinic, origin: PORTAL } }),
      await fetch(`${api}/no-such-route`, { headers: { ...clinic, origin: PORTAL } }),
      // The test above made the one upload of this minute.
      await fetch(`${api}/batch-upload`, { method: 'POST', headers: { ...clinic, origin: PORTAL }, body: form() }),
    ];
    assert.deepEqual(
      answers.map((res) => res.status),
      [200, 401, 400, 404, 429],
    );
    for (const res of answers) {
      assert.equal(res.headers.get('access-control-allow-origin'), PORTAL, `${res.status}`);
      for (const name of ['etag', 'location', 'retry-after', 'ratelimit', 'ratelimit-policy', 'upload-offset', 'upload-file-id', 'tus-resumable']) {
        assert.ok(listOf(res, 'access-control-expose-headers').includes(name), `${res.status} exposes ${name}`);
      }
      assert.ok(listOf(res, 'vary').includes('origin'));
      await res.body?.cancel();
    }
    // The second origin of the list is granted as itself, never as the list or `*`.
    const local = await fetch(`${api}/limits`, { headers: { ...clinic, origin: 'http://localhost:3001' } });
    assert.equal(local.headers.get('access-control-allow-origin'), 'http://localhost:3001');
    await local.body?.cancel();
  });

  it('gives an origin not listed, or a request without Origin, no grant but still Vary: Origin', async () => {
    for (const headers of [{ ...clinic, origin: OTHER }, clinic]) {
      const res = await fetch(`${api}/limits`, { headers });
      assert.equal(res.status, 200);
      assertNoGrant(res);
      assert.ok(listOf(res, 'vary').includes('origin'));
      await res.body?.cancel();
    }
  });

  it('grants the live event stream of a batch', async () => {
    const other = await host({ cors: { origins: [PORTAL] } });
    const created = await fetch(`${other.api}/batch-upload`, { method: 'POST', headers: clinic, body: form() });
    const { batch_id } = (await created.json()) as UploadResponse;
    const events = await fetch(`${other.api}/batch-events/${batch_id}`, { headers: { ...clinic, origin: PORTAL, accept: 'text/event-stream' } });
    assert.equal(events.status, 200);
    assert.match(events.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(events.headers.get('access-control-allow-origin'), PORTAL);
    assert.ok(listOf(events, 'vary').includes('origin'));
    assert.match(await events.text(), /^event: ?end$/m);
  });
});

describe('with cors.credentials', () => {
  let api = '';
  let origin = '';
  before(async () => {
    ({ api, origin } = await host({
      cors: { origins: [PORTAL], credentials: true },
      // The host's own session cookie, reduced to its result.
      authenticate: ({ req }) => (/(^|;\s*)session=clinic-a(;|$)/.test(req.get('cookie') ?? '') ? { workspace_id: 'clinic-a' } : null),
    }));
  });
  const withCookie = { cookie: 'session=clinic-a' };

  it('lets the listed origin send cookies', async () => {
    const res = await preflight(api, '/batch-upload', PORTAL);
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    const get = await fetch(`${api}/batch-history`, { headers: { ...withCookie, origin: PORTAL, 'sec-fetch-site': 'cross-site' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('access-control-allow-origin'), PORTAL);
    assert.equal(get.headers.get('access-control-allow-credentials'), 'true');
    await get.body?.cancel();
    const other = await fetch(`${api}/batch-history`, { headers: { ...withCookie, origin: OTHER } });
    assertNoGrant(other);
    await other.body?.cancel();
  });

  it('accepts changes from the listed origin, the API’s own origin and clients that are no browser', async () => {
    const accepted: Record<string, string>[] = [
      { ...withCookie, origin: PORTAL, 'sec-fetch-site': 'cross-site' },
      { ...withCookie, origin: PORTAL, 'sec-fetch-site': 'same-site' },
      { ...withCookie, origin: PORTAL },
      { ...withCookie, origin, 'sec-fetch-site': 'same-origin' },
      { ...withCookie, origin },
      { ...withCookie, 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of accepted) {
      const res = await fetch(`${api}/batch-upload`, { method: 'POST', headers, body: form() });
      assert.equal(res.status, 202, JSON.stringify(headers));
      await res.body?.cancel();
    }
    // A script without cookies or Origin (a token, not a session): not at risk, not checked.
    const script = await fetch(`${api}/batch-upload`, { method: 'POST', body: form() });
    assert.equal(script.status, 401, 'it reaches authentication');
    await script.body?.cancel();
  });

  it('refuses changes with the cookie from other pages, or from a page that does not say where it is, with 403', async () => {
    const refused: Record<string, string>[] = [
      { ...withCookie, origin: OTHER, 'sec-fetch-site': 'cross-site' },
      { ...withCookie, origin: OTHER },
      { ...withCookie, origin: 'http://portal.clinic.test:9999', 'sec-fetch-site': 'same-site' },
      { ...withCookie, origin: 'null', 'sec-fetch-site': 'cross-site' },
      { ...withCookie, 'sec-fetch-site': 'cross-site' },
      withCookie,
    ];
    for (const headers of refused) {
      for (const path of ['/batch-upload', '/batch/00000000-0000-4000-8000-000000000000/cancel']) {
        const res = await fetch(api + path, { method: 'POST', headers, ...(path === '/batch-upload' ? { body: form() } : {}) });
        assert.equal(res.status, 403, `${path} ${JSON.stringify(headers)}`);
        const body = (await res.json()) as ErrorResponse;
        assert.equal(body.error.code, 'FORBIDDEN_ORIGIN');
        assert.equal(body.error.details?.origin, headers.origin ?? null);
      }
    }
    const history = await fetch(`${api}/batch-history`, { headers: { ...withCookie, origin: OTHER, 'sec-fetch-site': 'cross-site' } });
    assert.equal(history.status, 200, 'reading changes nothing, and the browser keeps the answer from the other page');
    await history.body?.cancel();
  });
});

describe('checkOrigin without cors', () => {
  it('protects same-origin pages with session cookies', async () => {
    const { api, origin } = await host({ checkOrigin: true, authenticate: () => ({ workspace_id: 'clinic-a' }) });
    const own = await fetch(`${api}/batch-upload`, { method: 'POST', headers: { cookie: 's=1', origin, 'sec-fetch-site': 'same-origin' }, body: form() });
    assert.equal(own.status, 202);
    assertNoGrant(own);
    await own.body?.cancel();
    const forged = await fetch(`${api}/batch-upload`, {
      method: 'POST',
      headers: { cookie: 's=1', origin: OTHER, 'sec-fetch-site': 'cross-site' },
      body: form(),
    });
    assert.equal(forged.status, 403);
    assert.equal(await codeOf(forged), 'FORBIDDEN_ORIGIN');
  });
});

describe('cors options that cannot work', () => {
  const base = { engine: {} as BatchRouterOptions['engine'], authenticate: () => null, uploadDir: '/tmp/never-used' };
  it('refuse wildcards, paths and other schemes, naming the option', () => {
    for (const origin of [
      '*',
      'https://*.clinic.example',
      'https://portal.example/',
      'https://portal.example/app',
      'portal.example',
      'ftp://portal.example',
      'https://portal.example:443',
    ]) {
      assert.throws(() => createBatchRouter({ ...base, cors: { origins: [origin] } }), /cors\.origins/, origin);
    }
    assert.throws(() => createBatchRouter({ ...base, cors: { origins: [PORTAL], maxAgeSeconds: -1 } }), /cors\.maxAgeSeconds/);
    assert.throws(() => createBatchRouter({ ...base, cors: { origins: [PORTAL], allowHeaders: ['X Bad'] } }), /cors\.allowHeaders/);
    assert.throws(() => createBatchRouter({ ...base, cors: { origins: [PORTAL], credentials: true }, checkOrigin: false }), /checkOrigin/);
  });
});
