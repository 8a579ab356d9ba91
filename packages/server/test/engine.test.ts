import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchEngine, PermanentError, TransientError, type Store } from '../src/index.js';
import { engineHarness } from './support/engine-harness.js';

const harness = engineHarness('engine-test-', { pollIntervalMs: 20 });
const { makeBatch, untilFinished, withEngine } = harness;

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
    assert.deepEqual(
      found.files.map((f) => f.result),
      [0, 1, 2, 3, 4, 5, 6].map((i) => ({ text: `file ${i}` })),
    );
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
    const dead = await harness.store.queue.claimFile({ owner: 'dead-process', leaseMs: 150 });
    assert.equal(dead?.file.id, fileIds[0]);
    const found = await withEngine({ leaseMs: 300, processor: async () => ({ ok: true }) }, () => untilFinished(workspace, batchId));
    assert.equal(found.files[0]!.status, 'completed');
    assert.equal(found.files[0]!.attempts, 2);
    assert.equal(await harness.store.queue.finishFile(fileIds[0]!, dead!.token, { status: 'completed', result: 'late' }), null, 'the dead worker cannot write');
  });

  it('with concurrency 0 runs no file, yet puts files of expired leases back in the queue for the engines that process', async () => {
    const { workspace, batchId, fileIds } = await makeBatch(4);
    const dead = await harness.store.queue.claimFile({ owner: 'dead-process', leaseMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const processor = async () => {
      throw new Error('an engine with concurrency 0 ran a file');
    };
    await withEngine({ concurrency: 0, processor }, async (api) => {
      // Expired leases are reclaimed before start() resolves, and nothing claims the files again here.
      const held = await harness.store.records.getBatch(workspace, batchId);
      assert.deepEqual(
        held?.files.map((f) => [f.status, f.lease_owner]),
        fileIds.map(() => ['pending', null]),
      );
      assert.equal(held?.files.find((f) => f.id === dead?.file.id)?.attempts, 1);
      const found = await withEngine({ leaseMs: 300, processor: async () => ({ ok: true }) }, async (worker) => {
        const finished = await untilFinished(workspace, batchId);
        assert.equal(worker.activity.runs_ended, 4);
        return finished;
      });
      assert.deepEqual(found.batch.counts, { pending: 0, processing: 0, completed: 4, failed: 0, cancelled: 0 });
      assert.deepEqual(api.activity, { concurrency: 0, in_flight: 0, runs_ended: 0 });
    });
  });

  it('fails a file that killed its worker on every attempt', async () => {
    const { workspace, batchId } = await makeBatch(1);
    for (let i = 0; i < 2; i++) {
      assert.ok(await harness.store.queue.claimFile({ owner: 'crashing', leaseMs: 50 }));
      await new Promise((resolve) => setTimeout(resolve, 80));
      await harness.store.queue.reclaimExpired({ maxAttempts: 2, error: { code: 'WORKER_LOST', message: 'x' } });
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
      store: harness.store,
      blobs: harness.blobs,
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
    const found = await harness.store.records.getBatch(workspace, batchId);
    const statuses = found!.files.map((f) => f.status).sort();
    assert.deepEqual(statuses, ['completed', 'pending']);
    const handedBack = found!.files.find((f) => f.status === 'pending')!;
    assert.equal(handedBack.attempts, 0);
  });

  it('stops a run whose lease was lost and records nothing from it', async () => {
    const { workspace, batchId } = await makeBatch(1);
    // A store on which every renewal fails, as when another worker took the file over.
    const { store } = harness;
    const lossy: Store = {
      init: () => store.init(),
      close: () => store.close(),
      records: store.records,
      control: store.control,
      retention: store.retention,
      queue: new Proxy(store.queue, {
        get(target, prop) {
          if (prop === 'renewLease') return async () => false;
          const value: unknown = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    };
    let aborted = false;
    const engine = new BatchEngine({
      store: lossy,
      blobs: harness.blobs,
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

  it("takes a workspace's high priority batches before its older normal ones", async () => {
    const normal = await makeBatch(3, 'normal', 'ws-priority');
    const high = await makeBatch(3, 'high', 'ws-priority');
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
    const engine = new BatchEngine({ store: harness.store, blobs: harness.blobs, pollIntervalMs: 20, processor: async () => ({}) });
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
      await assert.rejects(
        async () => {
          for await (const _ of harness.blobs.open(key)) void _;
        },
        { name: 'BlobNotFoundError' },
      );
    }
    const found = await harness.store.records.getBatch(workspace, batchId);
    assert.equal(found?.batch.counts.completed, 2);
  });

  it('retention sweeps once at start: a server back after its files expired removes them then, not a sweep interval later', async () => {
    const { workspace, batchId, fileIds } = await makeBatch(1);
    // Processed while bytes are kept a day; the server stops.
    await withEngine({ retention: { blobsAfterMs: 86_400_000 }, processor: async () => ({}) }, () => untilFinished(workspace, batchId));
    // Back with a retention they are past, and a sweep every hour: the first sweep is at start.
    await withEngine({ retention: { blobsAfterMs: 0, sweepIntervalMs: 3_600_000 }, processor: async () => ({}) }, async () => {
      for (let i = 0; i < 200; i++) {
        const found = await harness.store.records.getBatch(workspace, batchId);
        if (found?.files.every((file) => file.blob_purged_at)) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    });
    const found = await harness.store.records.getBatch(workspace, batchId);
    assert.ok(
      found?.files.every((file) => file.blob_purged_at),
      'purged by the sweep at start',
    );
    await assert.rejects(
      async () => {
        for await (const _ of harness.blobs.open(fileIds[0]!)) void _;
      },
      { name: 'BlobNotFoundError' },
    );
  });

  it('rejects options that cannot work, naming them', () => {
    assert.throws(() => new BatchEngine({ store: harness.store, blobs: harness.blobs, processor: async () => ({}), concurrency: -1 }), /concurrency/);
    assert.throws(() => new BatchEngine({ store: harness.store, blobs: harness.blobs, processor: async () => ({}), concurrency: 1.5 }), /concurrency/);
    assert.throws(() => new BatchEngine({ store: harness.store, blobs: harness.blobs, processor: async () => ({}), leaseMs: 10 }), /leaseMs/);
  });
});
