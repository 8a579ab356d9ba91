import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NewBatch } from '../src/store/records.js';
import { WEBHOOK_CHANNEL } from '../src/store/outbox.js';
import { CLIENT_DEFAULTS, GridFsBlobStore, MongoClient, MongoStore } from '../src/stores/mongodb/index.js';
import { runBlobStoreConformanceSuite, runStoreConformanceSuite } from '../src/testing/index.js';
import { freshDbName, mongoTarget } from '@batch-uploader/test-support/mongo-target';
import { newBatch, newFiles } from '../src/testing/store-fixtures.js';

// Against MONGODB_URI when set (a real mongod), else against the in-process wire test server.
const target = await mongoTarget();
const client = new MongoClient(target.uri, CLIENT_DEFAULTS);
await client.connect();
after(async () => {
  await client.close();
  await target.close();
});

/** A database of its own for one test, dropped afterwards. */
function database(purpose: string): { dbName: string; cleanup: () => Promise<void> } {
  const dbName = freshDbName(purpose);
  return { dbName, cleanup: async () => void (await client.db(dbName).dropDatabase()) };
}

// Every store of a test has a client of its own, as separate instances do.
runStoreConformanceSuite(`MongoStore (${target.kind})`, async () => {
  const { dbName, cleanup } = database('store');
  return { open: ({ now }) => new MongoStore({ uri: target.uriFor(dbName), ...(now ? { now } : {}) }), cleanup };
});

runBlobStoreConformanceSuite(`GridFsBlobStore (${target.kind})`, async () => {
  const { dbName, cleanup } = database('blobs');
  return { store: new GridFsBlobStore({ client, dbName }), cleanup };
});

function batch(overrides: Partial<NewBatch> = {}): NewBatch {
  return newBatch({ workspace_id: 'ws-mongo', ...overrides });
}

void describe(`MongoStore on a shared database (${target.kind})`, () => {
  void it('a store given a uri connects in init() and disconnects in close()', async () => {
    const { dbName, cleanup } = database('uri');
    const store = new MongoStore({ uri: target.uriFor(dbName) });
    try {
      await store.init();
      await store.init();
      const created = await store.records.createBatch(batch(), newFiles(1));
      assert.equal((await store.records.getBatchSummary(created.workspace_id, created.id))?.id, created.id);
      await store.close();
      await assert.rejects(store.records.getBatch(created.workspace_id, created.id), /init\(\)/);
      const names = (await client.db(dbName).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
      assert.deepEqual(names, ['batch_uploader_batches', 'batch_uploader_files', 'batch_uploader_webhooks'], 'the database named in the uri is used');
    } finally {
      await store.close();
      await cleanup();
    }
  });

  void it('options are checked and a store that was not initialised says so', async () => {
    await assert.rejects(new MongoStore({ client }).records.getBatch('ws', 'b'), /init\(\)/);
    assert.throws(() => new MongoStore({}), /uri.*client/);
    assert.throws(() => new MongoStore({ uri: 'mongodb://x', client }), /both/);
    assert.throws(() => new MongoStore({ client, dbName: 'a.b' }), /dbName/);
    assert.throws(() => new MongoStore({ client, collectionPrefix: '$x' }), /collectionPrefix/);
    assert.throws(() => new GridFsBlobStore({ client, bucketName: 'a.b' }), /bucketName/);
  });

  void it('init() creates the claim, processing, status, lease, history, retention, content, hold and outbox indexes, and again is a no-op', async () => {
    const { dbName, cleanup } = database('indexes');
    const store = new MongoStore({ client, dbName });
    try {
      await store.init();
      await store.close();
      await store.init(); // a second process start: same indexes, no error
      const names = async (collection: string) => (await client.db(dbName).collection(collection).listIndexes().toArray()).map((i) => i.name as string).sort();
      assert.deepEqual(await names('batch_uploader_files'), ['_id_', 'analytics', 'batch_status', 'claim_by_workspace', 'leases', 'processing']);
      assert.deepEqual(await names('batch_uploader_batches'), ['_id_', 'content', 'finished', 'held', 'history', 'retention']);
      assert.deepEqual(await names('batch_uploader_webhooks'), ['_id_', 'due']);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  void it('webhook events stored before the outbox had channels are delivered as webhooks after an upgrade', async () => {
    const { dbName, cleanup } = database('outbox_upgrade');
    const store = new MongoStore({ client, dbName });
    try {
      // What the previous release left: an event without a channel.
      const id = randomUUID();
      await client
        .db(dbName)
        .collection<{ _id: string }>('batch_uploader_webhooks')
        .insertOne({
          _id: id,
          type: 'batch.completed',
          body: '{"id":"…"}',
          status: 'pending',
          attempts: 0,
          created_at: new Date(),
          next_attempt_at: new Date(),
          lease_token: null,
          last_error: null,
        } as never);
      await store.init();
      const held = await store.outbox.claim({ channel: WEBHOOK_CHANNEL, leaseMs: 60_000 });
      assert.deepEqual(held && [held.id, held.channel, held.type, held.body, held.attempts], [id, WEBHOOK_CHANNEL, 'batch.completed', '{"id":"…"}', 1]);
      assert.equal(await store.outbox.settle(held!.id, held!.token, { status: 'delivered' }), true);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  void it('the reclaim sweep repairs what a process killed between two writes left half done', async () => {
    const { dbName, cleanup } = database('repair');
    const store = new MongoStore({ client, dbName });
    const db = client.db(dbName);
    const batches = db.collection<{ _id: string }>('batch_uploader_batches');
    const fileDocs = db.collection<{ _id: string }>('batch_uploader_files');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    try {
      await store.init();
      // 1. Died after finishing the last file, before settling its batch.
      const settled = await store.records.createBatch(batch(), newFiles(1));
      const held = await store.queue.claimFile({ owner: 'w', leaseMs: 60_000 });
      await store.queue.finishFile(held!.file.id, held!.token, { status: 'completed', result: null });
      await batches.updateOne({ _id: settled.id }, { $set: { finished_at: null, updated_at: twoMinutesAgo } });
      // 2. Died after marking a batch cancelled, before its files learned of it.
      const cancelled = await store.records.createBatch(batch(), newFiles(2));
      await batches.updateOne(
        { _id: cancelled.id },
        { $set: { cancelled_at: twoMinutesAgo, updated_at: twoMinutesAgo, cancel_error: JSON.stringify({ code: 'CANCELLED', message: 'Cancelled.' }) } },
      );
      // 3. Died in createBatch, after storing its files, before showing it.
      const abandoned = newFiles(1);
      const hiddenId = randomUUID();
      await store.records.createBatch({ ...batch(), id: hiddenId }, abandoned);
      await batches.updateOne({ _id: hiddenId }, { $set: { hidden: 'creating', created_at: new Date(Date.now() - 3_600_000) } });
      await fileDocs.updateMany({ batch_id: hiddenId } as never, { $set: { batch_state: 'creating' } });

      const transitions = await store.queue.reclaimExpired({ maxAttempts: 3, error: { code: 'WORKER_LOST', message: 'Lost.' } });
      assert.deepEqual(transitions.map((t) => t.batch_id).sort(), [settled.id, cancelled.id].sort(), 'both visible batches end, and say so');
      assert.ok(transitions.every((t) => t.batch_finished));
      assert.ok((await store.records.getBatchSummary('ws-mongo', settled.id))?.finished_at instanceof Date);
      const repaired = await store.records.getBatch('ws-mongo', cancelled.id);
      assert.deepEqual(
        repaired?.files.map((f) => f.status),
        ['cancelled', 'cancelled'],
      );
      assert.deepEqual(repaired?.files[0]?.error, { code: 'CANCELLED', message: 'Cancelled.' });
      assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: 60_000 }), null, 'nothing of the three is claimable');
      assert.equal(await store.records.getBatch('ws-mongo', hiddenId), null, 'a half-created batch is never shown');
      assert.ok(
        (await store.retention.listPurgeableBlobs({ olderThanMs: 0, limit: 100 })).some((p) => p.blob_key === abandoned[0]!.blob_key),
        'its bytes are purged by retention',
      );
    } finally {
      await store.close();
      await cleanup();
    }
  });

  void it('the reclaim sweep moves the version of a batch whose touch a killed process never made', async () => {
    const { dbName, cleanup } = database('repair_version');
    const store = new MongoStore({ client, dbName });
    const batches = client.db(dbName).collection<{ _id: string }>('batch_uploader_batches');
    try {
      await store.init();
      const created = await store.records.createBatch(batch(), newFiles(2));
      const held = await store.queue.claimFile({ owner: 'w', leaseMs: 60_000 });
      await store.control.pauseBatch('ws-mongo', created.id);
      const before = await store.records.getBatchVersion('ws-mongo', created.id);
      assert.ok(before !== null);
      // The file's write went through; the process died before its batch's touch.
      await store.queue.finishFile(held!.file.id, held!.token, { status: 'completed', result: null });
      await batches.updateOne({ _id: created.id }, { $set: { version: before, updated_at: new Date(Date.now() - 120_000) } });

      assert.deepEqual(
        await store.queue.reclaimExpired({ maxAttempts: 3, error: { code: 'WORKER_LOST', message: 'Lost.' } }),
        [],
        'paused with a file left: not finished',
      );
      const after = await store.records.getBatchVersion('ws-mongo', created.id);
      assert.ok(after !== null && after > before, `the version moved on (${before} → ${after})`);
      assert.equal((await store.records.getBatch('ws-mongo', created.id))?.files[0]?.status, 'completed');
    } finally {
      await store.close();
      await cleanup();
    }
  });

  void it('a collection prefix keeps two deployments in one database apart', async () => {
    const { dbName, cleanup } = database('prefix');
    const blue = new MongoStore({ client, dbName, collectionPrefix: 'blue_' });
    const green = new MongoStore({ client, dbName, collectionPrefix: 'green_' });
    try {
      await Promise.all([blue.init(), green.init()]);
      const created = await blue.records.createBatch(batch(), newFiles(2));
      assert.equal(await green.records.getBatch(created.workspace_id, created.id), null);
      assert.equal(await green.queue.claimFile({ owner: 'g', leaseMs: 1_000 }), null);
      assert.ok(await blue.queue.claimFile({ owner: 'b', leaseMs: 1_000 }));
    } finally {
      await blue.close();
      await green.close();
      await cleanup();
    }
  });
});

void describe(`GridFsBlobStore on a shared database (${target.kind})`, () => {
  let temp = '';
  before(async () => {
    temp = await mkdtemp(join(tmpdir(), 'gridfs-'));
  });
  after(() => rm(temp, { recursive: true, force: true }));

  void it('bytes put through one instance are read through another, and a failed put leaves no chunks', async () => {
    const { dbName, cleanup } = database('gridfs');
    const a = new GridFsBlobStore({ uri: target.uriFor(dbName) });
    const b = new GridFsBlobStore({ client, dbName });
    try {
      await Promise.all([a.init(), b.init()]);
      const path = join(temp, 'upload');
      await writeFile(path, 'shared bytes');
      await a.putFile('sharedkey1', path);
      const chunks: Buffer[] = [];
      for await (const chunk of b.open('sharedkey1')) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), 'shared bytes');

      const missing = join(temp, 'never-written');
      await assert.rejects(a.putFile('brokenkey1', missing));
      assert.equal(await client.db(dbName).collection('batch_uploader_blobs.chunks').countDocuments({ files_id: 'brokenkey1' }), 0);
      assert.equal(
        await client
          .db(dbName)
          .collection('batch_uploader_blobs.files')
          .countDocuments({ _id: 'brokenkey1' as never }),
        0,
      );
      await assert.rejects(access(missing));
    } finally {
      await a.close();
      await b.close();
      await cleanup();
    }
  });
});
