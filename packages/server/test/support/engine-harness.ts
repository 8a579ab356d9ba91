import { after, before } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BatchPriority } from '@batch-uploader/protocol';
import { BatchEngine, type BatchEngineOptions, type Processor } from '../../src/index.js';
import { LocalBlobStore } from '../../src/stores/local/index.js';
import { SqliteStore } from '../../src/stores/sqlite/index.js';

/** What an engine test file works with: real stores in a temporary folder, and helpers on them. */
export interface EngineHarness {
  readonly store: SqliteStore;
  readonly blobs: LocalBlobStore;
  /** Records a batch of `count` small files with their bytes in a fresh workspace (or `workspace`), the way the upload route does. */
  makeBatch(count: number, priority?: BatchPriority, workspace?: string): Promise<{ workspace: string; batchId: string; fileIds: string[] }>;
  /** Resolves with the batch once it is finished; rejects after `timeoutMs`. */
  untilFinished(workspace: string, batchId: string, timeoutMs?: number): Promise<NonNullable<Awaited<ReturnType<SqliteStore['records']['getBatch']>>>>;
  /** Runs `work` with a started engine on the harness's stores (short leases and backoff), and closes it after. */
  withEngine<T>(options: Partial<BatchEngineOptions> & { processor: Processor }, work: (engine: BatchEngine) => Promise<T>): Promise<T>;
}

/**
 * Opens a SQLite store and a local blob store in a temporary folder before the test file's
 * tests and removes them after. `engineDefaults` are the options every `withEngine` engine
 * starts from (e.g. its poll interval).
 */
export function engineHarness(prefix: string, engineDefaults: Partial<BatchEngineOptions> = {}): EngineHarness {
  let dir = '';
  let store: SqliteStore | undefined;
  let blobs: LocalBlobStore | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    store = new SqliteStore({ path: join(dir, 'db.sqlite') });
    await store.init();
    blobs = new LocalBlobStore({ dir: join(dir, 'blobs') });
    await blobs.init();
  });

  after(async () => {
    await store?.close();
    await blobs?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const harness: EngineHarness = {
    get store() {
      if (!store) throw new Error('the engine harness is used before its before() hook ran');
      return store;
    },
    get blobs() {
      if (!blobs) throw new Error('the engine harness is used before its before() hook ran');
      return blobs;
    },
    async makeBatch(count, priority = 'normal', workspace = `ws-${randomUUID()}`) {
      const batchId = randomUUID();
      const files = [];
      for (let position = 0; position < count; position++) {
        const id = randomUUID();
        const temp = join(dir, `${id}.tmp`);
        await writeFile(temp, `file ${position}`);
        await harness.blobs.putFile(id, temp);
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
      await harness.store.records.createBatch(
        { id: batchId, workspace_id: workspace, priority, patient_id: null, template_id: 't1', encounter_id: null },
        files,
      );
      return { workspace, batchId, fileIds: files.map((f) => f.id) };
    },
    async untilFinished(workspace, batchId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await harness.store.records.getBatch(workspace, batchId);
        if (found?.batch.finished_at) return found;
        if (Date.now() > deadline) throw new Error('batch did not finish in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async withEngine(options, work) {
      const engine = new BatchEngine({
        store: harness.store,
        blobs: harness.blobs,
        leaseMs: 500,
        backoff: { baseMs: 10, maxMs: 50 },
        ...engineDefaults,
        ...options,
      });
      await engine.start();
      try {
        return await work(engine);
      } finally {
        await engine.close();
      }
    },
  };
  return harness;
}
