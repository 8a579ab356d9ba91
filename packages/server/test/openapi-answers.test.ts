import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import express from 'express';
import type { BatchHistoryResponse, BatchStatusResponse, UploadResponse } from '@batch-uploader/protocol';
import { BatchEngine, LocalBlobStore, createBatchRouter, type Store } from '../src/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertAnswerConforms, documentedAnswers } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { asA, asB, tempDir, twoClinics, waitForFinished, type UploadPart } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;
/** Processes at once: batches that finish, fail and are retried. */
let fast: Server;
/** One file at a time, each taking seconds: a batch paused at once stays open for the test. */
let slow: Server;
/** Takes one upload request a minute per workspace. */
let limited: Server;
/** A host whose store plays only the required roles: no analytics. Its bytes expire at once, for a purged answer. */
let bare: { api: string; engine: BatchEngine; close(): Promise<void> };
/** Takes tokens in a cookie from a portal on another origin, so checks where changes come from. */
let cookies: Server;
/** Its processor reads an NHS number that is not the batch patient's: every file is held for review. */
let guarded: Server;

before(async () => {
  docs = await documents();
  const apiTokens = twoClinics();
  fast = await startTestServer({ apiTokens, maxFiles: 3, maxFileSizeMb: 1 });
  slow = await startTestServer({ apiTokens, maxFiles: 3, maxFileSizeMb: 1, concurrency: 1, processingDelayMs: 3_000 });
  limited = await startTestServer({ apiTokens, uploadRateLimit: 1 });
  bare = await startBareHost();
  cookies = await startTestServer({ apiTokens, corsOrigins: ['http://127.0.0.1:8080'], corsCredentials: true, authCookie: 'batch_uploader_token' });
  guarded = await startTestServer({
    apiTokens,
    processor: async () => ({ document: { type: 'letter', fields: { nhs_number: '4010232137' } } }),
    resolvePatient: () => ({ name: 'Jane Doe', identifiers: { nhs_number: '9434765919' } }),
  });
});
after(() => Promise.all([fast.close(), slow.close(), limited.close(), bare.close(), cookies.close(), guarded.close()]));

/** The router in a host app of its own, on the SQLite store's required roles only (no outbox, no analytics). */
async function startBareHost(): Promise<{ api: string; engine: BatchEngine; close(): Promise<void> }> {
  const dir = await tempDir();
  const sqlite = new SqliteStore({ path: join(dir, 'batches.sqlite') });
  const store: Store = {
    init: () => sqlite.init(),
    close: () => sqlite.close(),
    records: sqlite.records,
    control: sqlite.control,
    queue: sqlite.queue,
    retention: sqlite.retention,
  };
  const blobs = new LocalBlobStore({ dir: join(dir, 'files') });
  await store.init();
  await blobs.init();
  const engine = new BatchEngine({ store, blobs, processor: async () => ({ pages: 1, summary: 'what the document says' }), retention: { blobsAfterMs: 0 } });
  await engine.start();
  const app = express();
  app.use('/api/gp', createBatchRouter({ engine, authenticate: () => ({ workspace_id: 'clinic-a' }), uploadDir: join(dir, 'uploads') }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gp`,
    engine,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await engine.close();
      await store.close();
      await blobs.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `METHOD path status` of every answer checked against the document. */
const seen = new Set<string>();

/** Sends a request and checks the answer against the operation `method path` of the document. */
async function call(
  server: Pick<Server, 'api'>,
  method: string,
  path: string,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(server.api + url, { method, ...init, headers: { ...asA, ...(init.headers as Record<string, string>) } });
  const body = await assertAnswerConforms(method, path, res);
  seen.add(`${method} ${path} ${res.status}`);
  return { status: res.status, body };
}

function form(files: UploadPart[], fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  for (const file of files) data.append('files', new Blob([file.data]), file.name);
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

const png = (): UploadPart => ({ name: 'scan.png', data: docs.png });

async function uploaded(server: Pick<Server, 'api'>, files: UploadPart[]): Promise<string> {
  const answer = await call(server, 'POST', '/batch-upload', '/batch-upload', { body: form(files) });
  assert.equal(answer.status, 202);
  return (answer.body as UploadResponse).batch_id;
}

describe('the OpenAPI document against the real server', () => {
  it('every answer the document lists is one the server gives, with the documented headers, content type and body', async () => {
    const anonymous = { headers: { authorization: '' } };
    const expect = async (status: number, server: Pick<Server, 'api'>, method: string, path: string, url: string, init?: RequestInit) => {
      const answer = await call(server, method, path, url, init);
      assert.equal(answer.status, status, `${method} ${url}: ${JSON.stringify(answer.body)}`);
    };

    // Uploads and limits.
    await expect(200, fast, 'GET', '/limits', '/limits');
    await expect(401, fast, 'GET', '/limits', '/limits', anonymous);
    await expect(400, fast, 'POST', '/batch-upload', '/batch-upload', { body: form([]) });
    await expect(401, fast, 'POST', '/batch-upload', '/batch-upload', { body: form([png()]), ...anonymous });
    await expect(413, fast, 'POST', '/batch-upload', '/batch-upload', { body: form([{ name: 'big.pdf', data: new Uint8Array(2 * 1024 * 1024) }]) });
    await expect(415, fast, 'POST', '/batch-upload', '/batch-upload', { body: form([{ name: 'x.pdf', data: docs.exe }]) });

    // A finished batch with a damaged file: status, events, the 409s, then a retry.
    const finished = await uploaded(fast, [png(), { name: 'broken.pdf', data: docs.truncatedPdf }]);
    await waitForFinished(fast.api, finished, asA);
    const status = await fetch(`${fast.api}/batch-status/${finished}`, { headers: asA });
    const etag = status.headers.get('etag')!;
    await expect(200, fast, 'GET', '/batch-status/{batch_id}', `/batch-status/${finished}`);
    await expect(304, fast, 'GET', '/batch-status/{batch_id}', `/batch-status/${finished}`, { headers: { 'if-none-match': etag } });
    await expect(400, fast, 'GET', '/batch-status/{batch_id}', '/batch-status/not-a-uuid');
    await expect(401, fast, 'GET', '/batch-status/{batch_id}', `/batch-status/${finished}`, anonymous);
    await expect(404, fast, 'GET', '/batch-status/{batch_id}', `/batch-status/${finished}`, { headers: asB });
    await expect(200, fast, 'GET', '/batch-events/{batch_id}', `/batch-events/${finished}`);
    await expect(400, fast, 'GET', '/batch-events/{batch_id}', '/batch-events/not-a-uuid');
    await expect(401, fast, 'GET', '/batch-events/{batch_id}', `/batch-events/${finished}`, anonymous);
    await expect(404, fast, 'GET', '/batch-events/{batch_id}', `/batch-events/${UNKNOWN}`);
    for (const action of ['cancel', 'pause', 'resume', 'retry']) {
      const path = `/batch/{batch_id}/${action}`;
      await expect(400, fast, 'POST', path, `/batch/not-a-uuid/${action}`);
      await expect(401, fast, 'POST', path, `/batch/${finished}/${action}`, anonymous);
      await expect(404, fast, 'POST', path, `/batch/${finished}/${action}`, { headers: asB });
      if (action !== 'retry') await expect(409, fast, 'POST', path, `/batch/${finished}/${action}`);
    }
    await expect(409, fast, 'POST', '/batch/{batch_id}/files', `/batch/${finished}/files`, { body: form([png()]) });
    const close = '/batch/{batch_id}/close';
    await expect(200, fast, 'POST', close, `/batch/${finished}/close`);
    await expect(400, fast, 'POST', close, '/batch/not-a-uuid/close');
    await expect(401, fast, 'POST', close, `/batch/${finished}/close`, anonymous);
    await expect(404, fast, 'POST', close, `/batch/${finished}/close`, { headers: asB });
    await expect(200, fast, 'POST', '/batch/{batch_id}/retry', `/batch/${finished}/retry`);
    const allGood = await uploaded(fast, [png()]);
    await waitForFinished(fast.api, allGood, asA);
    await expect(409, fast, 'POST', '/batch/{batch_id}/retry', `/batch/${allGood}/retry`);

    // An open batch: pause, append within and past the limit, resume, cancel.
    const open = await uploaded(slow, [png(), png()]);
    await expect(200, slow, 'POST', '/batch/{batch_id}/pause', `/batch/${open}/pause`);
    const files = '/batch/{batch_id}/files';
    await expect(415, slow, 'POST', files, `/batch/${open}/files`, { body: form([{ name: 'x.pdf', data: docs.exe }]) });
    await expect(413, slow, 'POST', files, `/batch/${open}/files`, { body: form([{ name: 'big.pdf', data: new Uint8Array(2 * 1024 * 1024) }]) });
    await expect(401, slow, 'POST', files, `/batch/${open}/files`, { body: form([png()]), ...anonymous });
    await expect(404, slow, 'POST', files, `/batch/${open}/files`, { body: form([png()]), headers: asB });
    await expect(400, slow, 'POST', files, `/batch/not-a-uuid/files`, { body: form([png()]) });
    await expect(202, slow, 'POST', files, `/batch/${open}/files`, { body: form([png()]) });
    await expect(400, slow, 'POST', files, `/batch/${open}/files`, { body: form([png()]) });
    await expect(200, slow, 'POST', '/batch/{batch_id}/resume', `/batch/${open}/resume`);
    await expect(200, slow, 'POST', '/batch/{batch_id}/cancel', `/batch/${open}/cancel`);
    await expect(409, slow, 'POST', close, `/batch/${open}/close`);

    // A batch held open for more files: processing while held, then closed.
    const held = (await call(fast, 'POST', '/batch-upload', '/batch-upload', { body: form([png()], { more_files: 'true' }) }).then(
      (a) => a.body,
    )) as UploadResponse;
    const heldStatus = await waitFor(async () => {
      const answer = await call(fast, 'GET', '/batch-status/{batch_id}', `/batch-status/${held.batch_id}`);
      const batch = (answer.body as BatchStatusResponse).batch;
      return batch.progress.completed === 1 ? batch : null;
    });
    assert.equal(heldStatus.status, 'processing');
    assert.equal(heldStatus.accepting_files, true);
    await expect(202, fast, 'POST', files, `/batch/${held.batch_id}/files`, { body: form([png()], { more_files: 'true' }) });
    await expect(200, fast, 'POST', close, `/batch/${held.batch_id}/close`);
    await waitForFinished(fast.api, held.batch_id, asA);
    const history = await call(fast, 'GET', '/batch-history', '/batch-history?limit=1');
    assert.equal(typeof (history.body as BatchHistoryResponse).batches[0]?.accepting_files, 'boolean');

    // Over the upload rate limit, for new batches and appends alike.
    const first = await uploaded(limited, [png()]);
    await expect(429, limited, 'POST', '/batch-upload', '/batch-upload', { body: form([png()]) });
    await expect(429, limited, 'POST', files, `/batch/${first}/files`, { body: form([png()]) });
    await expect(429, limited, 'POST', '/batch/{batch_id}/retry', `/batch/${first}/retry`);

    // A batch whose content retention removed, with its bytes: placeholders and purged_at.
    const purged = await uploaded(bare, [png(), { name: 'x.pdf', data: docs.exe }]);
    await waitForFinished(bare.api, purged, asA);
    assert.equal((await bare.engine.sweepRetention()).contents, 1);
    const purgedStatus = (await call(bare, 'GET', '/batch-status/{batch_id}', `/batch-status/${purged}`)).body as BatchStatusResponse;
    assert.ok(purgedStatus.batch.purged_at && purgedStatus.batch.files.every((f) => f.purged_at));
    assert.deepEqual(purgedStatus.batch.files[0]?.result, { pages: 1 });
    assert.equal((await call(bare, 'GET', '/batch-history', '/batch-history')).status, 200);

    // History and analytics.
    await expect(200, fast, 'GET', '/batch-history', '/batch-history?limit=2');
    await expect(400, fast, 'GET', '/batch-history', '/batch-history?limit=0');
    await expect(401, fast, 'GET', '/batch-history', '/batch-history', anonymous);
    await expect(200, fast, 'GET', '/batch-analytics', '/batch-analytics');
    await expect(400, fast, 'GET', '/batch-analytics', '/batch-analytics?since=yesterday');
    await expect(401, fast, 'GET', '/batch-analytics', '/batch-analytics', anonymous);
    await expect(501, bare, 'GET', '/batch-analytics', '/batch-analytics');

    const forged = { headers: { origin: 'https://elsewhere.test', 'sec-fetch-site': 'cross-site' } };

    // A file held for review (a document naming another patient): confirmed, then every refusal.
    const review = '/batch/{batch_id}/files/{file_id}/review';
    const decide = (decision: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision }) });
    const flaggedBatch = (await call(guarded, 'POST', '/batch-upload', '/batch-upload', { body: form([png()], { patient_id: 'P-1001' }) }).then(
      (a) => a.body,
    )) as UploadResponse;
    const flagged = (await waitForFinished(guarded.api, flaggedBatch.batch_id, asA)).files[0]!;
    assert.equal(flagged.needs_review, true);
    const reviewUrl = `/batch/${flaggedBatch.batch_id}/files/${flagged.file_id}/review`;
    await expect(400, guarded, 'POST', review, reviewUrl, decide('maybe'));
    await expect(401, guarded, 'POST', review, reviewUrl, { ...decide('confirm'), ...anonymous });
    await expect(404, guarded, 'POST', review, reviewUrl, { ...decide('confirm'), headers: { ...asB, 'content-type': 'application/json' } });
    await expect(200, guarded, 'POST', review, reviewUrl, decide('confirm'));
    await expect(409, guarded, 'POST', review, reviewUrl, decide('reject'));
    await expect(403, cookies, 'POST', review, `/batch/${open}/files/${UNKNOWN}/review`, {
      ...decide('confirm'),
      headers: { ...forged.headers, 'content-type': 'application/json' },
    });

    // Changes from a page of another site, where cookies are taken.
    await expect(403, cookies, 'POST', '/batch-upload', '/batch-upload', { body: form([png()]), ...forged });
    await expect(403, cookies, 'POST', files, `/batch/${open}/files`, { body: form([png()]), ...forged });
    for (const action of ['cancel', 'pause', 'resume', 'retry', 'close']) {
      await expect(403, cookies, 'POST', `/batch/{batch_id}/${action}`, `/batch/${open}/${action}`, forged);
    }

    // Resumable uploads: an empty batch, a tus upload begun, resumed, finished; every refusal.
    const tus = (headers: Record<string, string> = {}) => ({ 'Tus-Resumable': '1.0.0', ...headers });
    const meta = (fields: Record<string, string>) =>
      Object.entries(fields)
        .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
        .join(',');
    const json = { 'content-type': 'application/json' };
    const made = await call(fast, 'POST', '/batches', '/batches', { headers: json, body: '{"patient_id":"P-1"}' });
    assert.equal(made.status, 201);
    const resumableBatch = (made.body as { batch_id: string }).batch_id;
    await expect(400, fast, 'POST', '/batches', '/batches', { headers: json, body: '{"more_files":"true"}' });
    await expect(401, fast, 'POST', '/batches', '/batches', anonymous);
    await expect(403, cookies, 'POST', '/batches', '/batches', forged);
    const begin = (server: Pick<Server, 'api'>, length: number, fields: Record<string, string>, init: { headers?: Record<string, string> } = {}) =>
      call(server, 'POST', '/uploads', '/uploads', { headers: tus({ 'Upload-Length': String(length), 'Upload-Metadata': meta(fields), ...init.headers }) });
    const begun = await fetch(`${fast.api}/uploads`, {
      method: 'POST',
      headers: { ...asA, ...tus({ 'Upload-Length': String(docs.png.length), 'Upload-Metadata': meta({ batch_id: resumableBatch }) }) },
    });
    assert.equal(begun.status, 201);
    await assertAnswerConforms('POST', '/uploads', begun);
    seen.add('POST /uploads 201');
    const uploadPath = new URL(begun.headers.get('location')!, fast.api).pathname.slice(new URL(fast.api).pathname.length);
    await expect(400, fast, 'POST', '/uploads', '/uploads', { headers: tus({ 'Upload-Length': '10' }) });
    await expect(401, fast, 'POST', '/uploads', '/uploads', { headers: tus({ 'Upload-Length': '10', ...anonymous.headers }) });
    assert.equal((await begin(fast, 10, { batch_id: resumableBatch }, { headers: asB })).status, 404);
    assert.equal((await begin(fast, 10, { batch_id: finished })).status, 409);
    assert.equal((await begin(fast, 2 * 1024 * 1024, { batch_id: resumableBatch })).status, 413);
    await expect(412, fast, 'POST', '/uploads', '/uploads', { headers: { 'Upload-Length': '10', 'Upload-Metadata': meta({ batch_id: resumableBatch }) } });
    await expect(403, cookies, 'POST', '/uploads', '/uploads', { headers: tus({ 'Upload-Length': '10', ...forged.headers }) });
    const limitedBatch = (await call(limited, 'POST', '/batches', '/batches').then((a) => a.body)) as { batch_id: string };
    assert.equal((await begin(limited, 10, { batch_id: limitedBatch.batch_id })).status, 429);
    const upload = '/uploads/{upload_id}';
    const half = Math.floor(docs.png.length / 2);
    const bytes = (from: number) => ({ 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(from) });
    await expect(204, fast, 'PATCH', upload, uploadPath, { headers: tus(bytes(0)), body: docs.png.subarray(0, half) });
    await expect(409, fast, 'PATCH', upload, uploadPath, { headers: tus(bytes(0)), body: docs.png.subarray(0, half) });
    await expect(200, fast, 'HEAD', upload, uploadPath, { headers: tus() });
    await expect(401, fast, 'HEAD', upload, uploadPath, { headers: tus(anonymous.headers) });
    await expect(404, fast, 'HEAD', upload, uploadPath, { headers: tus(asB) });
    await expect(401, fast, 'PATCH', upload, uploadPath, { headers: tus({ ...bytes(half), ...anonymous.headers }), body: docs.png.subarray(half) });
    await expect(404, fast, 'PATCH', upload, uploadPath, { headers: tus({ ...bytes(half), ...asB }), body: docs.png.subarray(half) });
    await expect(403, cookies, 'PATCH', upload, uploadPath, { headers: tus({ ...bytes(half), ...forged.headers }), body: docs.png.subarray(half) });
    await expect(204, fast, 'PATCH', upload, uploadPath, { headers: tus(bytes(half)), body: docs.png.subarray(half) });
    const another = await fetch(`${fast.api}/uploads`, {
      method: 'POST',
      headers: { ...asA, ...tus({ 'Upload-Length': '10', 'Upload-Metadata': meta({ batch_id: resumableBatch }) }) },
    });
    const anotherPath = new URL(another.headers.get('location')!, fast.api).pathname.slice(new URL(fast.api).pathname.length);
    await expect(401, fast, 'DELETE', upload, anotherPath, { headers: tus(anonymous.headers) });
    await expect(404, fast, 'DELETE', upload, anotherPath, { headers: tus(asB) });
    await expect(403, cookies, 'DELETE', upload, anotherPath, { headers: tus(forged.headers) });
    await expect(204, fast, 'DELETE', upload, anotherPath, { headers: tus() });
    await expect(200, fast, 'POST', close, `/batch/${resumableBatch}/close`);
    assert.deepEqual(
      (await waitForFinished(fast.api, resumableBatch, asA)).files.map((file) => file.status),
      ['completed'],
    );

    // 503 needs a store that cannot be reached and 507 a full disk: store-unavailable.test.ts
    // and full-disk.test.ts provoke them for real and check them against the document.
    const elsewhere = / (503|507)$/;
    assert.deepEqual(
      [...seen].sort(),
      documentedAnswers().filter((answer) => !elsewhere.test(answer)),
      'every documented answer was seen, and no undocumented one',
    );
  });
});
