import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BatchEngine, PermanentError, type BatchEngineOptions, type Processor } from '../src/index.js';
import { LocalBlobStore } from '../src/stores/local/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';

let dir: string;
let store: SqliteStore;
let blobs: LocalBlobStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-ops-'));
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

/** Records a batch of `count` small files with their bytes, the way the upload route does. */
async function makeBatch(count: number) {
  const workspace = `ws-${randomUUID()}`;
  const batchId = randomUUID();
  const files = [];
  for (let position = 0; position < count; position++) {
    const id = randomUUID();
    const temp = join(dir, `${id}.tmp`);
    await writeFile(temp, `file ${position}`);
    await blobs.putFile(id, temp);
    files.push({ id, position, filename: `f${position}.pdf`, size: 6, declared_type: null, detected_type: 'application/pdf', blob_key: id, status: 'pending' as const, error: null });
  }
  await store.createBatch({ id: batchId, workspace_id: workspace, priority: 'normal', patient_id: null, template_id: null, encounter_id: null }, files);
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
  const engine = new BatchEngine({ store, blobs, pollIntervalMs: 1_000, leaseMs: 500, backoff: { baseMs: 10, maxMs: 50 }, ...options });
  await engine.start();
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

describe('BatchEngine with batch operations', () => {
  it('runs retried files again at once, and the batch finishes completed', async () => {
    const { workspace, batchId, fileIds } = await makeBatch(3);
    const failedOnce = new Set<string>();
    const found = await withEngine(
      {
        processor: async (file) => {
          // The OCR service refused these once; a person fixed it and asked for a retry.
          if (file.file_id !== fileIds[0] && !failedOnce.has(file.file_id)) {
            failedOnce.add(file.file_id);
            throw new PermanentError('REJECTED', 'The service refused the document.');
          }
          return { ok: true };
        },
      },
      async (engine) => {
        const first = await untilFinished(workspace, batchId);
        assert.deepEqual(first.batch.counts, { pending: 0, processing: 0, completed: 1, failed: 2, cancelled: 0 });
        assert.equal((await store.retryFailedFiles(workspace, batchId)).retried, 2);
        const asked = Date.now();
        engine.notify();
        const second = await untilFinished(workspace, batchId);
        assert.ok(Date.now() - asked < 900, 'idle workers are woken, not left to their next poll');
        return second;
      },
    );
    assert.deepEqual(found.batch.counts, { pending: 0, processing: 0, completed: 3, failed: 0, cancelled: 0 });
    assert.ok(found.files.every((f) => f.attempts === 1 && f.error === null));
  });
});
