import { randomUUID } from 'node:crypto';
import { BatchEngine, type NewFile, type Processor } from '@batch-uploader/server';
import type { QueueStores } from './queue-stores.js';

/** One run of the processing queue. */
export interface QueueRunOptions {
  stores: QueueStores;
  processor: Processor;
  concurrency: number;
  files: number;
  /** Batches the files are spread over, evenly. */
  batches: number;
  /** The run fails when not every batch finished by then. */
  timeoutMs: number;
}

/** What a queue run took. */
export interface QueueRunResult {
  /** From the first createBatch to the last batch finished. */
  ms: number;
  filesPerSecond: number;
  /** CPU time of this process per file over the same span (engine, store and driver; not a database server's). */
  cpuMsPerFile: number;
}

/**
 * Drives the real BatchEngine on `stores` the way the upload route does: each batch is
 * recorded with the engine's createBatch command (one store write, its files pending),
 * which wakes the workers and publishes the change. The workers claim each file with a
 * lease, run the processor, and finish the file, which updates the batch's counts (its
 * progress) and finally finishes the batch. The clock stops when the engine has
 * announced every batch finished; the counts are checked after.
 *
 * File bytes are not written: the processors used here never read them, and storing bytes
 * is the upload's cost (see the ingest figure). Each record still carries a blob key,
 * as an accepted upload's does; handed over without a path, its bytes count as stored.
 */
export async function runQueue(options: QueueRunOptions): Promise<QueueRunResult> {
  const { stores, processor, concurrency, files, batches } = options;
  const plan = Array.from({ length: batches }, (_, b) => {
    const count = Math.floor(files / batches) + (b < files % batches ? 1 : 0);
    return Array.from({ length: count }, (_, position) => ({ record: newFile(position) }));
  });
  const engine = new BatchEngine({ store: stores.store, blobs: stores.blobs, processor, concurrency });
  const finished = new Set<string>();
  const recorded: { id: string; files: number }[] = [];
  let allFinished: () => void = () => {};
  const done = new Promise<void>((resolve) => (allFinished = resolve));
  const unsubscribe = engine.events.subscribeAll((change) => {
    if (!change.finished) return;
    finished.add(change.batch_id);
    if (finished.size === batches) allFinished();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await engine.start();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    for (const files of plan) {
      const record = await engine.createBatch({ workspace_id: 'bench', priority: 'normal', patient_id: null, template_id: null, encounter_id: null }, files);
      recorded.push({ id: record.id, files: files.length });
    }
    await Promise.race([
      done,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the queue did not finish ${files} files within ${options.timeoutMs} ms (${finished.size} of ${batches} batches)`)),
          options.timeoutMs,
        );
      }),
    ]);
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    for (const batch of recorded) {
      const summary = await stores.store.records.getBatchSummary('bench', batch.id);
      if (summary?.counts.completed !== batch.files) {
        throw new Error(`batch ${batch.id} ended with ${JSON.stringify(summary?.counts)}, not ${batch.files} completed`);
      }
    }
    return { ms, filesPerSecond: files / (ms / 1000), cpuMsPerFile: (cpu.user + cpu.system) / 1000 / files };
  } finally {
    clearTimeout(timer);
    unsubscribe();
    await engine.close();
  }
}

function newFile(position: number): NewFile {
  const id = newId();
  return {
    id,
    position,
    filename: `document-${position + 1}.pdf`,
    size: 48_213,
    declared_type: 'application/pdf',
    detected_type: 'application/pdf',
    blob_key: id,
    status: 'pending',
    error: null,
  };
}

function newId(): string {
  return randomUUID().replaceAll('-', '');
}
