import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BatchEngine, PermanentError, TransientError, type BatchEngineOptions, type Processor } from '../src/index.js';
import { LocalBlobStore } from '../src/stores/local/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import type { BatchPriority } from '@batch-uploader/protocol';

let dir: string;
let store: SqliteStore;
let blobs: LocalBlobStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-test-'));
  store = new SqliteStore({ path: join(dir, 'db.sqlite') });
  await store.init();
  blobs = new LocalBlobStore({ dir: join(dir, 'blobs') });
  await blobs.init();
});

after(async () => {
  await store.close();
  await blobs.close();
  await rm(dir, { recursive: true, force: true });
});

/** Records a batch of `count` small files in a fresh workspace, the way the upload route does. */
async function makeBatch(count: number, priority: BatchPriority = 'normal') {
  const workspace = `ws-${randomUUID()}`;
  const batchId = randomUUID();
  const files = [];
  for (let position = 0; position < count; position++) {
    const id = randomUUID();
    const temp = join(dir, `${id}.tmp`);
    await writeFile(temp, `file ${position}`);
    await blobs.putFile(id, temp);
    files.push({
      id,
      position,
      filename: `f${position}.pdf`,
      size: 6,
      declared_type: null,
      detected_type: 'application/pdf',
      blob_key: id,
      status: 'pending' as const,
      error: null,
    });
  }
  await store.createBatch({ id: batchId, workspace_id: workspace, priority, patient_id: null, template_id: 't1', encounter_id: null }, files);
  return { workspace, batchId, fileIds: files.map((f) => f.id) };
}

async function untilFinished(workspace: string, batchId: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await store.getBatch(workspace, batchId);
    if (found?.batch.finished_at) return found;
    if (Date.now() > deadline) throw new Error('batch did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function withEngine<T>(options: Partial<BatchEngineOptions> & { processor: Processor }, work: (engine: BatchEngine) => Promise<T>): Promise<T> {
  const engine = new BatchEngine({ store, blobs, pollIntervalMs: 20, leaseMs: 500, backoff: { baseMs: 10, maxMs: 50 }, ...options });
  await engine.start();
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

describe('BatchEngine', () => {
  it('processes every file of a batch once, reading its bytes, and finishes the batch', async () => {
    const { workspace, batchId } = await makeBatch(7);
    const seen: string[] = [];
    const found = await withEngine(
      {
        processor: async (file, context) => {
          seen.push(file.file_id);
          assert.equal(context.template_id, 't1');
          return { text: (await file.read()).toString() };
        },
      },
      () => untilFinished(workspace, batchId),
    );
    assert.equal(new Set(seen).size, 7);
    assert.equal(seen.length, 7);
    assert.deepEqual(found.batch.counts, { pending: 0, processing: 0, completed: 7, failed: 0, cancelled: 0 });
    assert.deepEqual(found.files.map((f) => f.result), [0, 1, 2, 3, 4, 5, 6].map((i) => ({ text: `file ${i}` })));
  });

  it('fails a file with a permanent error at once, with its reason, and the batch goes on', async () => {
    const { workspace, batchId, fileIds } = await makeBatch(4);
    const calls = new Map<string, number>();
    const found = await withEngine(
      {
        processor: async (file) => {
          calls.set(file.file_id, (calls.get(file.file_id) ?? 0) + 1);
          if (file.file_id === fileIds[1]) throw new PermanentError('CORRUPT_FILE', 'The file is damaged.');
          return {};
        },
      },
      () => untilFinished(workspace, batchId),
    );
    assert.equal(calls.get(fileIds[1]!), 1, 'a permanent failure is not retried');
    assert.deepEqual(found.files[1]!.error, { code: 'CORRUPT_FILE', message: 'The file is damaged.' });
    assert.equal(found.files[1]!.status, 'failed');
    assert.deepEqual(found.batch.counts, { pending: 0, processing: 0, completed: 3, failed: 1, cancelled: 0 });
  });

  it('retries a transient error with backoff until it passes', async () => {
    const { workspace, batchId } = await makeBatch(1);
    let calls = 0;
    const found = await withEngine(
      {
        processor: async () => {
          calls++;
          if (calls < 3) throw new TransientError('the OCR service is busy');
          return { ok: true };
        },
      },
      () => untilFinished(workspace, batchId),
    );
    assert.equal(calls, 3);
    assert.equal(found.files[0]!.status, 'completed');
    assert.equal(found.files[0]!.attempts, 3);
  });

  it('fails a file whose errors never pass after the attempt limit, with a clear reason', async () => {
    const { workspace, batchId } = await makeBatch(1);
    let calls = 0;
    const found = await withEngine(
      {
        maxAttempts: 2,
        processor: async () => {
          calls++;
          throw new Error('connection reset');
        },
      },
      () => untilFinished(workspace, batchId),
    );
    assert.equal(calls, 2);
    assert.equal(found.files[0]!.status, 'failed');
    assert.equal(found.files[0]!.error?.code, 'PROCESSING_FAILED');
    assert.doesNotMatch(found.files[0]!.error!.message, /connection reset/, 'internal error text is not shown to clerks');
  });

  it('runs at most `concurrency` files at once and uses all of them', async () => {
    const { workspace, batchId } = await makeBatch(12);
    let running = 0;
    let peak = 0;
    await withEngine(
      {
        concurrency: 4,
        processor: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 40));
          running--;
          return {};
        },
      },
      () => untilFinished(workspace, batchId),
    );
    assert.equal(peak, 4);
  });

  it('processes again a file whose worker died, once its lease expires', async () => {
    const { workspace, batchId, fileIds } = await makeBatch(1);
    // A worker of a dead process: it claimed the file and will never renew or finish it.
    const dead = await store.claimFile({ owner: 'dead-process', leaseMs: 150 });
    assert.equal(dead?.file.id, fileIds[0]);
    const found = await withEngine({ leaseMs: 300, processor: async () => ({ ok: true }) }, () => untilFinished(workspace, batchId));
    assert.equal(found.files[0]!.status, 'completed');
    assert.equal(found.files[0]!.attempts, 2);
    assert.equal(await store.finishFile(fileIds[0]!, dead!.token, { status: 'completed', result: 'late' }), null, 'the dead worker cannot write');
  });

  it('fails a file that killed its worker on every attempt', async () => {
    const { workspace, batchId } = await makeBatch(1);
    for (let i = 0; i < 2; i++) {
      assert.ok(await store.claimFile({ owner: 'crashing', leaseMs: 50 }));
      await new Promise((resolve) => setTimeout(resolve, 80));
      await store.reclaimExpired({ maxAttempts: 2, error: { code: 'WORKER_LOST', message: 'x' } });
    }
    const found = await withEngine({ maxAttempts: 2, processor: async () => ({}) }, () => untilFinished(workspace, batchId));
    assert.equal(found.files[0]!.status, 'failed');
    assert.equal(found.files[0]!.error?.code, 'WORKER_LOST');
  });

  it('fails a file whose processing outlives the time limit', async () => {
    const { workspace, batchId } = await makeBatch(1);
    const found = await withEngine(
      {
        processingTimeoutMs: 100,
        processor: (_file, { signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      },
      () => untilFinished(workspace, batchId),
    );
    assert.equal(found.files[0]!.error?.code, 'PROCESSING_TIMEOUT');
  });

  it('on close, lets short work finish and gives interrupted files back without using an attempt', async () => {
    const { workspace, batchId } = await makeBatch(2);
    let started = 0;
    const engine = new BatchEngine({
      store,
      blobs,
      concurrency: 2,
      pollIntervalMs: 20,
      shutdownGraceMs: 100,
      processor: (file, { signal }) => {
        started++;
        // The first file is quick; the second waits until it is interrupted.
        if (started === 1) return new Promise((resolve) => setTimeout(() => resolve({ quick: true }), 30));
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
    });
    await engine.start();
    while (started < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await engine.close();
    const found = await store.getBatch(workspace, batchId);
    const statuses = found!.files.map((f) => f.status).sort();
    assert.deepEqual(statuses, ['completed', 'pending']);
    const handedBack = found!.files.find((f) => f.status === 'pending')!;
    assert.equal(handedBack.attempts, 0);
  });

  it('stops a run whose lease was lost and records nothing from it', async () => {
    const { workspace, batchId } = await makeBatch(1);
    // A store on which every renewal fails, as when another worker took the file over.
    const lossy = new Proxy(store, {
      get(target, prop) {
        if (prop === 'renewLease') return async () => false;
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let aborted = false;
    const engine = new BatchEngine({
      store: lossy,
      blobs,
      leaseMs: 150,
      maxAttempts: 1,
      pollIntervalMs: 20,
      processor: (_file, { signal }) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            // A processor that ignores the abort and answers anyway must not be recorded.
            resolve({ late: true });
          }),
        ),
    });
    await engine.start();
    try {
      const found = await untilFinished(workspace, batchId);
      assert.ok(aborted);
      assert.equal(found.files[0]!.status, 'failed');
      assert.equal(found.files[0]!.error?.code, 'WORKER_LOST');
    } finally {
      await engine.close();
    }
  });

  it('takes high priority batches before older normal ones', async () => {
    const normal = await makeBatch(3, 'normal');
    const high = await makeBatch(3, 'high');
    const order: string[] = [];
    await withEngine(
      {
        concurrency: 1,
        processor: async (file) => {
          order.push(file.batch_id);
          return {};
        },
      },
      async () => {
        await untilFinished(normal.workspace, normal.batchId);
        await untilFinished(high.workspace, high.batchId);
      },
    );
    assert.deepEqual(order, [high.batchId, high.batchId, high.batchId, normal.batchId, normal.batchId, normal.batchId]);
  });

  it('announces each change of a batch to its listeners', async () => {
    const { workspace, batchId } = await makeBatch(2);
    const changes: boolean[] = [];
    const engine = new BatchEngine({ store, blobs, pollIntervalMs: 20, processor: async () => ({}) });
    const off = engine.events.subscribe(batchId, (change) => changes.push(change.finished));
    await engine.start();
    try {
      await untilFinished(workspace, batchId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await engine.close();
    }
    off();
    assert.equal(engine.events.watchedBatches, 0, 'unsubscribing leaves no listener behind');
    assert.equal(changes.length, 4, 'two claims and two finishes');
    assert.deepEqual(changes.slice(-1), [true], 'the last change finishes the batch');
    assert.equal(changes.filter(Boolean).length, 1, 'the batch finishes exactly once');
  });

  it('retention removes the bytes of finished batches and keeps their records', async () => {
    const { workspace, batchId, fileIds } = await makeBatch(2);
    await withEngine({ retention: { blobsAfterMs: 0 }, processor: async () => ({}) }, async (engine) => {
      await untilFinished(workspace, batchId);
      const swept = await engine.sweepRetention();
      assert.ok(swept.blobs >= 2);
    });
    for (const key of fileIds) {
      await assert.rejects(async () => {
        for await (const _ of blobs.open(key)) void _;
      }, { name: 'BlobNotFoundError' });
    }
    const found = await store.getBatch(workspace, batchId);
    assert.equal(found?.batch.counts.completed, 2);
  });

  it('rejects options that cannot work, naming them', () => {
    assert.throws(() => new BatchEngine({ store, blobs, processor: async () => ({}), concurrency: 0 }), /concurrency/);
    assert.throws(() => new BatchEngine({ store, blobs, processor: async () => ({}), leaseMs: 10 }), /leaseMs/);
  });
});
