import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { AnalyticsResponse, BatchStatusResponse, ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { BatchEngine, LocalBlobStore, createBatchRouter, type Store } from '../src/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { makeTextPdf } from '@batch-uploader/test-support/documents';

// A host's own store need only play the required roles (records, control, queue,
// retention). Here those are the SQLite store's own role objects, handed over without
// its outbox and analytics, behind a real router on a listening server.

const WEBHOOKS = { url: 'http://127.0.0.1:9/hooks', secret: 'a-secret-of-16-characters' };

let dir = '';
let full: SqliteStore;
let store: Store;
let blobs: LocalBlobStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'required-roles-'));
  full = new SqliteStore({ path: join(dir, 'batches.sqlite') });
  store = {
    init: () => full.init(),
    close: () => full.close(),
    records: full.records,
    control: full.control,
    queue: full.queue,
    retention: full.retention,
  };
  await store.init();
  blobs = new LocalBlobStore({ dir: join(dir, 'files') });
  await blobs.init();
});

after(async () => {
  await store.close();
  await blobs.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts an engine and a router on `store`, serves them, runs `work` with the API's URL, then stops it all. */
async function serving(store: Store, work: (api: string) => Promise<void>): Promise<void> {
  const engine = new BatchEngine({ store, blobs, processor: async (file) => ({ bytes: file.size }), pollIntervalMs: 20 });
  await engine.start();
  const app = express();
  app.use('/api', createBatchRouter({ engine, authenticate: () => ({ workspace_id: 'clinic-a' }), uploadDir: join(dir, 'uploads') }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await engine.close();
  }
}

describe('a store with only the required roles', () => {
  it('processes an uploaded batch to the end, and its analytics route answers NOT_SUPPORTED (501) instead of failing', async () => {
    await serving(store, async (api) => {
      const form = new FormData();
      for (const name of ['a.pdf', 'b.pdf']) form.append('files', new Blob([new Uint8Array(await makeTextPdf(['Referral']))]), name);
      const upload = await fetch(`${api}/batch-upload`, { method: 'POST', body: form });
      assert.equal(upload.status, 202);
      const { batch_id } = (await upload.json()) as UploadResponse;

      let status: BatchStatusResponse['batch'] | undefined;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
        status = ((await (await fetch(`${api}/batch-status/${batch_id}`)).json()) as BatchStatusResponse).batch;
        if (status.status === 'completed') break;
      }
      assert.equal(status?.status, 'completed');
      assert.deepEqual(
        status?.files.map((f) => f.status),
        ['completed', 'completed'],
      );

      const analytics = await fetch(`${api}/batch-analytics`);
      assert.equal(analytics.status, 501);
      const body = (await analytics.json()) as ErrorResponse;
      assert.equal(body.status, 'error');
      assert.equal(body.error.code, 'NOT_SUPPORTED');
      assert.match(body.error.message, /analytics/);
      const bad = await fetch(`${api}/batch-analytics?since=yesterday`);
      assert.equal(bad.status, 400, "a bad query is still the caller's error");
    });
  });

  it('the same store with analytics answers them', async () => {
    const batches = (await store.records.listBatches('clinic-a', { limit: 100 })).length;
    await serving({ ...store, analytics: full.analytics }, async (api) => {
      const answer = await fetch(`${api}/batch-analytics`);
      assert.equal(answer.status, 200);
      assert.equal(((await answer.json()) as AnalyticsResponse).analytics.totals.batches, batches);
    });
  });

  it('an engine given webhooks for a store without an outbox refuses at construction, saying why', () => {
    assert.throws(() => new BatchEngine({ store, blobs, processor: async () => ({}), webhooks: WEBHOOKS }), {
      name: 'TypeError',
      message: /"webhooks" needs a store with an outbox/,
    });
    assert.doesNotThrow(() => new BatchEngine({ store: full, blobs, processor: async () => ({}), webhooks: WEBHOOKS }));
  });

  it('a store lacking a required role is refused at construction, naming the role', () => {
    const { queue: _queue, retention: _retention, ...partial } = store;
    assert.throws(() => new BatchEngine({ store: partial as Store, blobs, processor: async () => ({}) }), {
      name: 'TypeError',
      message: /lacks the "queue", "retention" roles/,
    });
    // A store written for the single interface of earlier releases: every method, no role.
    const flat = { init: async () => {}, close: async () => {}, createBatch: async () => null, claimFile: async () => null };
    assert.throws(
      () => new BatchEngine({ store: flat as unknown as Store, blobs, processor: async () => ({}) }),
      /lacks the "records", "control", "queue", "retention" roles/,
    );
  });

  it('a store whose retention cannot purge content is refused at construction, saying what it lacks', () => {
    // A retention role written before names and document text were purged with the bytes.
    const retention = { listPurgeableBlobs: async () => [], markBlobsPurged: async () => {}, deleteFinishedBatches: async () => 0 };
    const older = { ...store, retention };
    assert.throws(() => new BatchEngine({ store: older as unknown as Store, blobs, processor: async () => ({}) }), {
      name: 'TypeError',
      message: /"retention" role lacks purgeContent\(\)/,
    });
  });
});
