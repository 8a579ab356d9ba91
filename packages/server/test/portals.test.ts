import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startTestServer } from './support/test-server.js';
import { TOKEN_A, TOKEN_B, twoClinics, upload, waitForFinished } from '@batch-uploader/test-support/http';

// `npm start` for a portal on another origin: CORS_ORIGINS, CORS_CREDENTIALS and
// AUTH_COOKIE through the whole server (compression, security headers), as a browser
// sends them. Chromium itself meets them in portal-e2e.test.ts.

const PORTAL = 'http://127.0.0.1:8080';
const OTHER = 'https://elsewhere.test';
const COOKIE = 'batch_uploader_token';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;
let tokens: Server;
let cookies: Server;

before(async () => {
  docs = await documents();
  tokens = await startTestServer({ apiTokens: twoClinics(), corsOrigins: [PORTAL] });
  cookies = await startTestServer({ apiTokens: twoClinics(), corsOrigins: [PORTAL], corsCredentials: true, authCookie: COOKIE });
});
after(() => Promise.all([tokens.close(), cookies.close()]));

describe('a portal on another origin, with tokens (CORS_ORIGINS)', () => {
  it('has its preflight answered by the server, without a token, with the grants', async () => {
    const res = await fetch(`${tokens.api}/batch-upload`, {
      method: 'OPTIONS',
      headers: { origin: PORTAL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), PORTAL);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.equal(res.headers.get('access-control-allow-credentials'), null, 'no cookies without CORS_CREDENTIALS');
  });

  it('uploads and follows a batch, live events included, each answer granted to the portal only', async () => {
    const res = await upload(tokens.api, [{ name: 'scan.png', data: docs.png }], {}, { authorization: `Bearer ${TOKEN_A}`, origin: PORTAL });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('access-control-allow-origin'), PORTAL);
    const { batch_id } = (await res.json()) as UploadResponse;
    await waitForFinished(tokens.api, batch_id, { authorization: `Bearer ${TOKEN_A}` });

    // Raw HTTP, so that nothing undoes a compression the stream must not have.
    const stream = await new Promise<{ headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = request(`${tokens.api}/batch-events/${batch_id}`, {
        headers: { authorization: `Bearer ${TOKEN_A}`, origin: PORTAL, 'accept-encoding': 'gzip, br', accept: 'text/event-stream' },
      });
      req.on('response', (answer) => {
        let body = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => (body += chunk));
        answer.on('end', () => resolve({ headers: answer.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(stream.headers['access-control-allow-origin'], PORTAL);
    assert.equal(stream.headers['content-encoding'], undefined, 'the event stream is not compressed (no-transform)');
    assert.match(String(stream.headers.vary), /Origin/);
    assert.match(stream.body, /^event: ?end$/m);

    const other = await fetch(`${tokens.api}/batch-status/${batch_id}`, { headers: { authorization: `Bearer ${TOKEN_A}`, origin: OTHER } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    await other.body?.cancel();
  });

  it('ignores cookies when AUTH_COOKIE is not set', async () => {
    const res = await fetch(`${tokens.api}/batch-history`, { headers: { cookie: `${COOKIE}=${TOKEN_A}`, origin: PORTAL } });
    assert.equal(res.status, 401);
    await res.body?.cancel();
  });
});

describe('a portal on another origin, with a cookie (CORS_CREDENTIALS, AUTH_COOKIE)', () => {
  const cookie = { cookie: `theme=dark; ${COOKIE}=${TOKEN_A}` };

  it('lets the portal send the cookie, and takes the workspace from the token in it', async () => {
    const history = await fetch(`${cookies.api}/batch-history`, { headers: { ...cookie, origin: PORTAL, 'sec-fetch-site': 'same-site' } });
    assert.equal(history.status, 200);
    assert.equal(history.headers.get('access-control-allow-origin'), PORTAL);
    assert.equal(history.headers.get('access-control-allow-credentials'), 'true');
    await history.body?.cancel();

    const res = await upload(cookies.api, [{ name: 'scan.png', data: docs.png }], {}, { ...cookie, origin: PORTAL, 'sec-fetch-site': 'same-site' });
    assert.equal(res.status, 202);
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await waitForFinished(cookies.api, batch_id, cookie);
    assert.equal(batch.status, 'completed');
    const asB = await fetch(`${cookies.api}/batch-status/${batch_id}`, { headers: { cookie: `${COOKIE}=${TOKEN_B}` } });
    assert.equal(asB.status, 404, 'the batch is in the workspace of the cookie’s token');
    await asB.body?.cancel();
  });

  it('judges a request with an Authorization header by the header alone', async () => {
    const res = await fetch(`${cookies.api}/batch-history`, { headers: { ...cookie, authorization: 'Bearer not-a-known-token-at-all' } });
    assert.equal(res.status, 401);
    await res.body?.cancel();
  });

  it('refuses changes made with the cookie from another site, and from a page that does not say where it is', async () => {
    for (const headers of [
      { ...cookie, origin: OTHER, 'sec-fetch-site': 'cross-site' },
      { ...cookie, origin: 'http://127.0.0.1:9999', 'sec-fetch-site': 'same-site' },
      cookie,
    ]) {
      const res = await upload(cookies.api, [{ name: 'scan.png', data: docs.png }], {}, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(((await res.json()) as ErrorResponse).error.code, 'FORBIDDEN_ORIGIN');
    }
  });

  it('still takes uploads with a token from scripts and the command line', async () => {
    const res = await upload(cookies.api, [{ name: 'scan.png', data: docs.png }], {}, { authorization: `Bearer ${TOKEN_A}` });
    assert.equal(res.status, 202);
    await res.body?.cancel();
  });
});
