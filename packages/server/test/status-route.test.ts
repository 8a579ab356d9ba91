import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import express from 'express';
import type { BatchStatusResponse, ErrorResponse, FileError } from '@batch-uploader/protocol';
import { BatchEngine, LocalBlobStore, createBatchRouter, toWireBatch, type Store } from '../src/index.js';
import { MongoClient, MongoStore } from '../src/stores/mongodb/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { freshDbName, mongoTarget } from '@batch-uploader/test-support/mongo-target';

// The status route over real HTTP, on each store: a SQLite file, and MongoDB (MONGODB_URI
// when set, else the in-process wire test server). Each "instance" is a store of its own
// (its own connection), an engine, a router and a listening server, as a host process
// has them; two instances share one database like two servers behind a load balancer.
// The engines are not started: the test claims and finishes files through the store, as
// a worker of any instance would, so every step is taken exactly when the test says.

const WORKSPACE = 'clinic-a';
const STRANGER = 'clinic-b';
const LONG_LEASE_MS = 10 * 60_000;
const LOST: FileError = { code: 'WORKER_LOST', message: 'Processing stopped unexpectedly several times.' };

const mongo = await mongoTarget();
const scratch = await mkdtemp(join(tmpdir(), 'status-route-'));
after(async () => {
  await mongo.close();
  await rm(scratch, { recursive: true, force: true });
});

/** One server process as a host runs it: its store, and the API's base URL. */
interface Instance {
  store: Store;
  api: string;
  close(): Promise<void>;
}

async function startInstance(store: Store): Promise<Instance> {
  await store.init();
  const dir = await mkdtemp(join(scratch, 'instance-'));
  const blobs = new LocalBlobStore({ dir: join(dir, 'blobs') });
  await blobs.init();
  const engine = new BatchEngine({ store, blobs, processor: async () => ({}) });
  const app = express();
  // The caller's workspace comes from a header: the host's own authentication, reduced to its result.
  app.use('/api', createBatchRouter({ engine, authenticate: ({ req }) => ({ workspace_id: req.get('x-workspace') ?? '' }), uploadDir: join(dir, 'uploads') }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    store,
    api: `http://127.0.0.1:${port}/api`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await engine.close();
      await store.close();
      await blobs.close();
    },
  };
}

/** Records a batch of `count` pending files in the workspace, the way the upload route does. */
async function createBatch(store: Store, count: number): Promise<string> {
  const id = randomUUID();
  const files = Array.from({ length: count }, (_, position) => ({
    id: randomUUID(),
    position,
    filename: `letter-${position}.pdf`,
    size: 1_000,
    declared_type: 'application/pdf',
    detected_type: 'application/pdf',
    blob_key: randomUUID(),
    status: 'pending' as const,
    error: null,
  }));
  await store.records.createBatch({ id, workspace_id: WORKSPACE, priority: 'normal', patient_id: null, template_id: null, encounter_id: null }, files);
  return id;
}

/** A status poll: the HTTP status, the ETag, and the body as text ('' for none). */
interface Poll {
  status: number;
  etag: string | null;
  text: string;
}

async function poll(instance: Instance, batchId: string, options: { etag?: string; workspace?: string } = {}): Promise<Poll> {
  const headers: Record<string, string> = { 'x-workspace': options.workspace ?? WORKSPACE };
  if (options.etag) headers['if-none-match'] = options.etag;
  const res = await fetch(`${instance.api}/batch-status/${batchId}`, { headers });
  return { status: res.status, etag: res.headers.get('etag'), text: await res.text() };
}

/** A poll that must answer 200; returns its ETag and batch, checking the body is the store's batch, byte for byte. */
async function changed(instance: Instance, batchId: string, etag?: string): Promise<{ etag: string; batch: BatchStatusResponse['batch'] }> {
  const answer = await poll(instance, batchId, etag ? { etag } : {});
  assert.equal(answer.status, 200, `expected a new answer, got ${answer.status}`);
  assert.ok(answer.etag, 'a status answer carries an ETag');
  assert.notEqual(answer.etag, etag ?? null, 'a new answer has a new ETag');
  const found = await instance.store.records.getBatch(WORKSPACE, batchId);
  assert.ok(found);
  assert.equal(answer.text, JSON.stringify({ status: 'success', batch: toWireBatch(found.batch, found.files) }), 'the answer is the batch as stored now');
  return { etag: answer.etag, batch: (JSON.parse(answer.text) as BatchStatusResponse).batch };
}

async function post(instance: Instance, path: string): Promise<number> {
  const res = await fetch(instance.api + path, { method: 'POST', headers: { 'x-workspace': WORKSPACE } });
  await res.body?.cancel();
  return res.status;
}

const backends: { name: string; open: () => { store: () => Store; cleanup: () => Promise<void> } }[] = [
  {
    name: 'a SQLite file',
    open() {
      const path = join(scratch, `${randomUUID()}.sqlite`);
      return { store: () => new SqliteStore({ path }), cleanup: async () => {} };
    },
  },
  {
    name: `MongoDB (${mongo.kind})`,
    open() {
      const dbName = freshDbName('status');
      const uri = mongo.uriFor(dbName);
      return {
        store: () => new MongoStore({ uri }),
        async cleanup() {
          const client = new MongoClient(uri);
          await client
            .db(dbName)
            .dropDatabase()
            .finally(() => client.close());
        },
      };
    },
  },
];

for (const backend of backends) {
  void describe(`the status route on ${backend.name}`, () => {
    /**
     * Runs `test` with two instances on a database of their own: the queue is shared by
     * everything in one database, so a test must not claim another test's files.
     */
    const itOnTwoInstances = (title: string, test: (a: Instance, b: Instance) => Promise<void>) =>
      it(title, async () => {
        const opened = backend.open();
        const a = await startInstance(opened.store());
        const b = await startInstance(opened.store());
        try {
          await test(a, b);
        } finally {
          await a.close();
          await b.close();
          await opened.cleanup();
        }
      });

    void itOnTwoInstances(
      'gives a new ETag as a file goes pending, processing, completed, and answers 304 with no body to a matching If-None-Match',
      async (a, b) => {
        const batchId = await createBatch(a.store, 2);
        const pending = await changed(a, batchId);
        assert.equal(pending.batch.files[0]!.status, 'pending');
        const unchanged = await poll(a, batchId, { etag: pending.etag });
        assert.deepEqual(unchanged, { status: 304, etag: pending.etag, text: '' });

        const held = await a.store.queue.claimFile({ owner: 'worker', leaseMs: LONG_LEASE_MS });
        assert.ok(held);
        const processing = await changed(a, batchId, pending.etag);
        assert.equal(processing.batch.files[0]!.status, 'processing');

        await a.store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: { pages: 2 } });
        const completed = await changed(a, batchId, processing.etag);
        assert.equal(completed.batch.files[0]!.status, 'completed');
        assert.deepEqual(completed.batch.files[0]!.result, { pages: 2 });
        // Any of several ETags may match, as HTTP allows.
        assert.equal((await poll(a, batchId, { etag: `W/"elsewhere", ${completed.etag}` })).status, 304);
        assert.equal((await poll(a, batchId, { etag: pending.etag })).status, 200, 'an old ETag gets the batch as it is now');
      },
    );

    void itOnTwoInstances('gives a new ETag when a file is claimed again after its lease ran out, though the counts are as before', async (a, b) => {
      const batchId = await createBatch(a.store, 1);
      // A lease of 0 ms has run out as soon as it is issued: the worker that took it is as good as dead.
      assert.ok(await a.store.queue.claimFile({ owner: 'worker-that-died', leaseMs: 0 }));
      const first = await changed(a, batchId);
      await b.store.queue.reclaimExpired({ maxAttempts: 5, error: LOST });
      assert.ok(await b.store.queue.claimFile({ owner: 'worker', leaseMs: LONG_LEASE_MS }));
      const second = await changed(a, batchId, first.etag);
      assert.deepEqual(second.batch.progress, first.batch.progress, 'the counts are as before');
      assert.equal(second.batch.files[0]!.attempts, 2);
    });

    void itOnTwoInstances('gives a new ETag when the batch is paused, resumed and retried', async (a, b) => {
      const batchId = await createBatch(a.store, 2);
      const start = await changed(a, batchId);
      assert.equal(await post(a, `/batch/${batchId}/pause`), 200);
      const paused = await changed(a, batchId, start.etag);
      assert.equal(paused.batch.status, 'paused');
      assert.equal(await post(a, `/batch/${batchId}/resume`), 200);
      const resumed = await changed(a, batchId, paused.etag);
      assert.equal(resumed.batch.status, 'pending');

      const failed = await a.store.queue.claimFile({ owner: 'worker', leaseMs: LONG_LEASE_MS });
      assert.ok(failed);
      await a.store.queue.finishFile(failed.file.id, failed.token, { status: 'failed', error: { code: 'CORRUPT_FILE', message: 'The file is damaged.' } });
      const done = await a.store.queue.claimFile({ owner: 'worker', leaseMs: LONG_LEASE_MS });
      assert.ok(done);
      await a.store.queue.finishFile(done.file.id, done.token, { status: 'completed', result: null });
      const finished = await changed(a, batchId, resumed.etag);
      assert.equal(finished.batch.files[0]!.status, 'failed');
      assert.equal(await post(a, `/batch/${batchId}/retry`), 200);
      const retried = await changed(a, batchId, finished.etag);
      assert.equal(retried.batch.files[0]!.status, 'pending');
      assert.equal(retried.batch.finished_at, null);
    });

    void itOnTwoInstances("answers another workspace's caller 404, even with the batch's current ETag", async (a, b) => {
      const batchId = await createBatch(a.store, 1);
      const { etag } = await changed(a, batchId);
      for (const given of [etag, undefined]) {
        const answer = await poll(a, batchId, { workspace: STRANGER, ...(given ? { etag: given } : {}) });
        assert.equal(answer.status, 404);
        assert.notEqual(answer.etag, etag, "the batch's ETag does not leak");
        assert.equal((JSON.parse(answer.text) as ErrorResponse).error.code, 'BATCH_NOT_FOUND');
      }
      const unknown = await poll(a, randomUUID(), { etag });
      assert.equal(unknown.status, 404, 'an unknown batch is not found whatever ETag is sent');
    });

    void itOnTwoInstances(
      'two instances on one database agree on ETags, and neither serves its cached answer after the other changed the batch',
      async (a, b) => {
        const batchId = await createBatch(a.store, 2);
        const fromA = await changed(a, batchId);
        const fromB = await changed(b, batchId);
        assert.equal(fromB.etag, fromA.etag, 'the ETag comes from the shared store, not the process');
        assert.equal((await poll(b, batchId, { etag: fromA.etag })).status, 304);

        // Each instance now holds the answer in its cache; a change made through B must reach A's pollers.
        assert.equal(await post(b, `/batch/${batchId}/pause`), 200);
        const pausedOnA = await changed(a, batchId);
        assert.equal(pausedOnA.batch.status, 'paused');
        assert.notEqual(pausedOnA.etag, fromA.etag);

        // And a worker of A changing a file must reach B's.
        assert.equal(await post(a, `/batch/${batchId}/resume`), 200);
        assert.ok(await a.store.queue.claimFile({ owner: 'worker-of-a', leaseMs: LONG_LEASE_MS }));
        const onB = await changed(b, batchId, pausedOnA.etag);
        assert.equal(onB.batch.files[0]!.status, 'processing');
        assert.equal((await changed(a, batchId)).etag, onB.etag);
      },
    );
  });
}
