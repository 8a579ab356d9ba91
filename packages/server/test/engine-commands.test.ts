import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebhookEvent } from '@batch-uploader/protocol';
import {
  BatchEngine,
  BlobNotFoundError,
  isEngineError,
  type BatchChange,
  type BatchEngineOptions,
  type IncomingFile,
  type Refusal,
  type Store,
} from '../src/index.js';
import { engineHarness } from './support/engine-harness.js';

// The engine's commands through its public surface, on a real SQLite store and blob
// folder: what each writes, whether it wakes the workers, what it publishes to live
// views (engine.events) and to webhooks (delivered to a real receiver), and what it
// refuses. Idle workers poll only every 5 s here, so a batch that runs within a
// couple of seconds of a command was started by that command waking them.
// Whether a command that queues nothing (pause, cancel, close) wakes the workers cannot
// be seen from outside: woken workers that find nothing wait again.

const POLL_MS = 5_000;
const WOKEN_WITHIN_MS = 2_500;
const SECRET = 'engine-commands-secret-0123456789';

const harness = engineHarness('engine-commands-', { pollIntervalMs: POLL_MS });
const { makeBatch, untilFinished } = harness;

let scratch = '';
let receiver: { url: string; events: WebhookEvent[]; server: Server };

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'engine-commands-files-'));
  const events: WebhookEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEvent);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, events, server };
});

after(async () => {
  receiver.server.closeAllConnections();
  await new Promise((resolve) => receiver.server.close(resolve));
  await rm(scratch, { recursive: true, force: true });
});

/**
 * A started engine on the harness's stores, with webhooks to the receiver, its changes
 * recorded; closed after `work`. `beforeStart` runs commands on it before its workers start.
 */
async function withEngine<T>(
  options: Partial<BatchEngineOptions>,
  work: (engine: BatchEngine, changes: BatchChange[]) => Promise<T>,
  beforeStart?: (engine: BatchEngine) => Promise<void>,
): Promise<T> {
  const engine = new BatchEngine({
    store: harness.store,
    blobs: harness.blobs,
    processor: async () => ({ ok: true }),
    leaseMs: 500,
    pollIntervalMs: POLL_MS,
    webhooks: { url: receiver.url, secret: SECRET, pollIntervalMs: 50 },
    ...options,
  });
  const changes: BatchChange[] = [];
  const unsubscribe = engine.events.subscribeAll((change) => changes.push(change));
  await beforeStart?.(engine);
  await engine.start();
  // Lets the workers' first look at the queue end, so that they wait to be woken.
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    return await work(engine, changes);
  } finally {
    unsubscribe();
    await engine.close();
  }
}

/** A file of the given bytes waiting on disk, as the upload route hands it over (accepted, pending). */
async function incoming(text: string, position = 0): Promise<IncomingFile> {
  const id = randomUUID();
  const path = join(scratch, `${id}.upload`);
  await writeFile(path, text);
  return {
    record: {
      id,
      position,
      filename: `scan-${position}.pdf`,
      size: text.length,
      declared_type: null,
      detected_type: 'application/pdf',
      blob_key: id,
      status: 'pending',
      error: null,
    },
    path,
  };
}

/** A file refused at upload: recorded as failed, no bytes kept. */
function refused(position: number): IncomingFile {
  const id = randomUUID();
  const error = { code: 'UNSUPPORTED_TYPE', message: 'This file is not a PDF, PNG, JPEG, TIFF or WebP document.' };
  return {
    record: {
      id,
      position,
      filename: `notes-${position}.txt`,
      size: 5,
      declared_type: 'text/plain',
      detected_type: null,
      blob_key: null,
      status: 'failed',
      error,
    },
  };
}

const newBatch = (workspace_id: string, more_files = false) =>
  ({ workspace_id, priority: 'normal', patient_id: null, template_id: null, encounter_id: null, more_files }) as const;

async function readBlob(key: string): Promise<string | null> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of harness.blobs.open(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof BlobNotFoundError) return null;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Asserts that `promise` rejects with an EngineError refusing with exactly `refusal`. */
async function assertRefused(promise: Promise<unknown>, refusal: Refusal): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isEngineError(error), `an EngineError, got ${String(error)}`);
    assert.deepEqual(error.refusal, refusal);
    assert.equal(error.code, refusal.code);
    return true;
  });
}

/** The webhook events of one batch the receiver got, once `count` of them arrived. */
async function webhooksOf(batchId: string, count: number): Promise<WebhookEvent[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = receiver.events.filter((event) => event.data.batch_id === batchId);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`${found.length} of ${count} webhook events arrived for the batch`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const changesOf = (changes: BatchChange[], batchId: string) => changes.filter((change) => change.batch_id === batchId).map((change) => change.finished);

describe('BatchEngine commands', () => {
  it('createBatch moves accepted bytes into the blob store, records the batch, wakes the workers and publishes; a refused file is published as failed', async () => {
    const workspace = `ws-${randomUUID()}`;
    const accepted = await incoming('bytes of a referral');
    await withEngine({}, async (engine, changes) => {
      const asked = Date.now();
      const batch = await engine.createBatch(newBatch(workspace), [accepted, refused(1)]);
      assert.deepEqual(changesOf(changes, batch.id), [false], 'published at once');
      assert.equal(batch.total_files, 2);
      assert.equal(await exists(accepted.path!), false, 'the upload was moved, not copied');
      assert.equal(await readBlob(accepted.record.blob_key!), 'bytes of a referral');

      const found = await untilFinished(workspace, batch.id);
      assert.ok(Date.now() - asked < WOKEN_WITHIN_MS, 'idle workers are woken, not left to their next poll');
      assert.deepEqual(
        found.files.map((f) => f.status),
        ['completed', 'failed'],
      );
      const events = await webhooksOf(batch.id, 2);
      const failed = events.find((event) => event.type === 'file.failed');
      assert.deepEqual(failed?.data, { ...failed?.data, file_id: found.files[1]!.id, error_code: 'UNSUPPORTED_TYPE', attempts: 0 });
      assert.equal(events.filter((event) => event.type === 'batch.completed').length, 1);
    });
  });

  it('createBatch that the store cannot record keeps none of its bytes', async () => {
    const first = await incoming('first');
    const second = await incoming('second', 1);
    // Two files with one id: the store refuses the whole batch.
    second.record.id = first.record.id;
    await withEngine({}, async (engine) => {
      await assert.rejects(engine.createBatch(newBatch(`ws-${randomUUID()}`), [first, second]));
    });
    assert.equal(await readBlob(first.record.blob_key!), null);
    assert.equal(await readBlob(second.record.blob_key!), null);
    assert.equal(await exists(first.path!), false);
    assert.equal(await exists(second.path!), false);
  });

  it("appendFiles refuses before any byte moves: another workspace's batch, a batch it would overfill, a finished batch", async () => {
    const { workspace, batchId } = await makeBatch(2);
    await harness.store.control.pauseBatch(workspace, batchId);
    const file = await incoming('late page', 2);
    await withEngine({}, async (engine, changes) => {
      await assertRefused(engine.appendFiles(`ws-${randomUUID()}`, batchId, [file], { maxFiles: 10 }), { code: 'BATCH_NOT_FOUND' });
      await assertRefused(engine.appendFiles(workspace, batchId, [file], { maxFiles: 2 }), { code: 'TOO_MANY_FILES', total_files: 2, max_files: 2 });
      assert.equal(await exists(file.path!), true, 'nothing moved for a refused append');
      assert.equal(await readBlob(file.record.blob_key!), null);
      assert.deepEqual(changesOf(changes, batchId), [], 'a refusal publishes nothing');

      const batch = await engine.appendFiles(workspace, batchId, [file], { maxFiles: 3 });
      assert.equal(batch.total_files, 3);
      assert.equal(await readBlob(file.record.blob_key!), 'late page');
      assert.deepEqual(changesOf(changes, batchId), [false]);
      await engine.resumeBatch(workspace, batchId);
      const found = await untilFinished(workspace, batchId);
      assert.deepEqual(
        found.files.map((f) => f.status),
        ['completed', 'completed', 'completed'],
      );

      const after = await incoming('too late', 3);
      await assertRefused(engine.appendFiles(workspace, batchId, [after], { maxFiles: 10 }), { code: 'BATCH_NOT_OPEN' });
      assert.equal(await exists(after.path!), true);
    });
  });

  it('pause keeps pending files from being claimed and publishes the change; resume wakes the workers', async () => {
    const { workspace, batchId } = await makeBatch(2);
    await withEngine(
      {},
      async (engine, changes) => {
        assert.deepEqual(changesOf(changes, batchId), [false, false]);
        // The workers looked for files when the engine started, and found the paused batch's none.
        const paused = await engine.getBatchSummary(workspace, batchId);
        assert.equal(paused?.counts.pending, 2, "a paused batch's files wait");

        const asked = Date.now();
        const resumed = await engine.resumeBatch(workspace, batchId);
        assert.deepEqual(
          resumed.files.map((f) => f.status),
          ['pending', 'pending'],
          'the batch as the resume left it, before a worker claimed a file',
        );
        assert.equal(resumed.batch.paused_at, null);
        assert.deepEqual(changesOf(changes, batchId).slice(2, 3), [false]);
        const found = await untilFinished(workspace, batchId);
        assert.ok(Date.now() - asked < WOKEN_WITHIN_MS, 'resume wakes idle workers');
        assert.equal(found.batch.counts.completed, 2);
        await assertRefused(engine.pauseBatch(workspace, batchId), { code: 'BATCH_NOT_OPEN' });
        await assertRefused(engine.resumeBatch(workspace, batchId), { code: 'BATCH_NOT_OPEN' });
      },
      async (engine) => {
        await engine.pauseBatch(workspace, batchId);
        // Pausing a paused batch is fine, and published again.
        await engine.pauseBatch(workspace, batchId);
      },
    );
  });

  it('a cancel that finishes a batch publishes it as finished and enqueues batch.completed', async () => {
    const { workspace, batchId } = await makeBatch(3);
    await harness.store.control.pauseBatch(workspace, batchId);
    await withEngine({}, async (engine, changes) => {
      await assertRefused(engine.cancelBatch(`ws-${randomUUID()}`, batchId), { code: 'BATCH_NOT_FOUND' });
      const cancelled = await engine.cancelBatch(workspace, batchId);
      assert.deepEqual(
        cancelled.files.map((f) => f.status),
        ['cancelled', 'cancelled', 'cancelled'],
      );
      assert.deepEqual(changesOf(changes, batchId), [true]);
      const [completed] = await webhooksOf(batchId, 1);
      assert.equal(completed?.type, 'batch.completed');
      assert.deepEqual(completed?.type === 'batch.completed' && completed.data.counts, { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 3 });
      assert.equal(completed?.type === 'batch.completed' && completed.data.status, 'cancelled');
      await assertRefused(engine.cancelBatch(workspace, batchId), { code: 'BATCH_NOT_OPEN' });
    });
  });

  it('close finishes a batch held for appends whose files are done, and publishes it once', async () => {
    const workspace = `ws-${randomUUID()}`;
    const file = await incoming('first part');
    await withEngine({}, async (engine, changes) => {
      const batch = await engine.createBatch(newBatch(workspace, true), [file]);
      for (let waited = 0; (await engine.getBatchSummary(workspace, batch.id))?.counts.completed !== 1; waited += 20) {
        assert.ok(waited < 10_000, 'the file of a held batch runs at once');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal((await engine.getBatchSummary(workspace, batch.id))?.finished_at, null, 'held open for the next part');
      assert.ok(!changesOf(changes, batch.id).includes(true));

      const closed = await engine.closeBatch(workspace, batch.id);
      assert.ok(closed.batch.finished_at && closed.batch.held_until === null);
      assert.equal(changesOf(changes, batch.id).at(-1), true);
      await engine.closeBatch(workspace, batch.id);
      assert.equal(changesOf(changes, batch.id).filter(Boolean).length, 1, 'closing a finished batch finishes nothing');
      const events = await webhooksOf(batch.id, 1);
      assert.deepEqual(
        events.map((event) => event.type),
        ['batch.completed'],
      );
    });
  });

  it('retryFailedFiles refuses a batch with nothing to retry, with the count of files that cannot run, and a cancelled batch', async () => {
    const workspace = `ws-${randomUUID()}`;
    const file = await incoming('fine');
    await withEngine({}, async (engine) => {
      const batch = await engine.createBatch(newBatch(workspace), [file, refused(1)]);
      await untilFinished(workspace, batch.id);
      await assertRefused(engine.retryFailedFiles(workspace, batch.id), { code: 'NOTHING_TO_RETRY', not_retryable: 1 });
      await assertRefused(engine.retryFailedFiles(workspace, randomUUID()), { code: 'BATCH_NOT_FOUND' });

      const { workspace: other, batchId } = await makeBatch(1);
      await harness.store.control.pauseBatch(other, batchId);
      await engine.cancelBatch(other, batchId);
      await assertRefused(engine.retryFailedFiles(other, batchId), { code: 'BATCH_CANCELLED' });
      await assertRefused(engine.closeBatch(other, batchId), { code: 'BATCH_NOT_OPEN' });
    });
  });

  it('getAnalytics refuses with NOT_SUPPORTED on a store without analytics', async () => {
    const { records, control, queue, retention } = harness.store;
    const store: Store = { init: async () => {}, close: async () => {}, records, control, queue, retention };
    const engine = new BatchEngine({ store, blobs: harness.blobs, processor: async () => ({}) });
    const range = { since: new Date(Date.now() - 86_400_000), until: new Date() };
    await assertRefused(engine.getAnalytics('ws-any', range), { code: 'NOT_SUPPORTED', feature: 'analytics' });
    await engine.close();
    const figures = await new BatchEngine({ store: harness.store, blobs: harness.blobs, processor: async () => ({}) }).getAnalytics('ws-any', range);
    assert.equal(figures.totals.batches, 0);
  });
});
