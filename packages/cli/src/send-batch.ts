import type { Batch, BatchPriority } from '@batch-uploader/protocol';
import { isApiError, type BatchClient } from '@batch-uploader/sdk';
import type { ImportState } from './import-state.js';

/** A file of the import, as the CLI sends it. */
export interface PlannedFile {
  /** Its key in the state file (see `fileKey`). */
  key: string;
  file: Blob;
}

/** What one batch of the import needs besides its files. */
export interface SendContext {
  client: BatchClient;
  /** Whether the server offers tus (`GET /limits` → `resumable.protocol`). */
  tus: boolean;
  fields: Record<string, string>;
  priority: BatchPriority | undefined;
  signal: AbortSignal;
  state: ImportState;
  /** Writes `state` to disk: called after every step, before the next request. */
  save(): void;
  /** Bytes of this batch's files sent so far in this run (files already in the batch not counted). */
  onProgress(sent: number): void;
  /** The batch the files go into is known (made, or taken up again): processing can be followed. */
  onBatch(batchId: string, arrivedKeys: readonly string[]): void;
  line(text: string): void;
}

/** How one batch of the import went. */
export interface SentBatch {
  batchId: string;
  /** An earlier batch of these files that took no more files when the import went on; its files stay there. */
  earlierBatchId: string | null;
  /** Files that were already in a batch from an earlier run, not sent again. */
  alreadySent: number;
  /** Large files whose unfinished tus upload went on from the server's offset. */
  continued: number;
  /** Files sent in this run. */
  sent: number;
  requests: number;
}

/**
 * Sends one batch's files so that a run stopped at any point can go on: the batch is made
 * empty (`POST /batches`) and recorded, small files are appended in parts (each part
 * recorded once the server took it), large files go one by one through tus, each upload's
 * URL recorded as soon as it exists, and the batch is closed when every file arrived.
 * Taken up again, a batch that still accepts files gets only the files not yet in it, and
 * an unfinished tus upload goes on from the server's offset. An abort leaves the batch
 * open and the tus upload in place, for the next run.
 */
export async function sendBatch(files: readonly PlannedFile[], index: number, ctx: SendContext): Promise<SentBatch> {
  const { client, state, signal } = ctx;
  const known = state.batches[index];
  const found = known ? await batchIfKept(client, known.id, signal) : null;
  const open = found ? found.accepting_files : null;
  // Files the batch holds before this run's: how an append whose answer was lost is told apart.
  const heldFiles = open === true ? found!.total_files : 0;
  let entry = known && open === true ? known : null;
  let earlierBatchId: string | null = null;
  const done = new Set<string>();
  if (known && open !== null) for (const key of [...known.arrived, ...(known.earlier ?? [])]) done.add(key);
  if (known && open === false && known.arrived.length > 0) {
    // Finished or cancelled (its hold ran out, say): its files stay there, the rest go into a new batch.
    earlierBatchId = known.id;
    ctx.onBatch(known.id, known.arrived);
    // An unfinished upload belongs to that batch: the file starts again in the new one.
    for (const f of files) delete state.tus[f.key];
  }
  const pending = files.filter((f) => !done.has(f.key));
  const alreadySent = files.length - pending.length;
  if (entry) {
    ctx.onBatch(entry.id, entry.arrived);
  } else if (pending.length > 0) {
    const created = await client.createBatch({ fields: ctx.fields, ...(ctx.priority ? { priority: ctx.priority } : {}), signal });
    entry = { id: created.batch_id, arrived: [], ...(earlierBatchId ? { earlier: [...done] } : {}) };
    state.batches[index] = entry;
    ctx.save();
    if (earlierBatchId) ctx.line(`batch ${earlierBatchId} takes no more files; the ${pending.length} files not in it go into a new batch ${entry.id}.`);
    ctx.onBatch(entry.id, entry.arrived);
  }
  const result: SentBatch = { batchId: entry?.id ?? earlierBatchId ?? '', earlierBatchId, alreadySent, continued: 0, sent: 0, requests: 0 };
  if (!entry || pending.length === 0) {
    if (entry) await client.closeBatch(entry.id).catch(() => {});
    return result;
  }
  const batch = entry;

  let finishedBytes = 0;
  const arrived = (keys: readonly string[], bytes: number) => {
    batch.arrived.push(...keys);
    finishedBytes += bytes;
    result.sent += keys.length;
    ctx.save();
  };
  try {
    const large = pending.filter(
      (f) => ctx.tus && client.options.resumable !== 'never' && (client.options.resumable === 'always' || f.file.size >= client.options.resumableThreshold),
    );
    const small = pending.filter((f) => !large.includes(f));
    if (small.length > 0) {
      const keyOfFile = new Map(small.map((f) => [f.file, f.key]));
      const parts = await client.appendInParts(
        batch.id,
        small.map((f) => f.file),
        {
          signal,
          heldFiles,
          onProgress: (p) => ctx.onProgress(finishedBytes + p.sent),
          // Recorded part by part: a run stopped later does not send these again.
          onPartSent: ({ files: part }) =>
            arrived(
              part.map((f) => keyOfFile.get(f as Blob)!),
              part.reduce((sum, f) => sum + f.size, 0),
            ),
        },
      );
      result.requests += parts.parts;
    }
    // One large file at a time, as the SDK does: a stop costs at most one file's chunk.
    for (const f of large) {
      const uploadUrl = state.tus[f.key];
      if (uploadUrl) result.continued += 1;
      await client.uploadResumable(batch.id, f.file, {
        signal,
        keepOnAbort: true,
        ...(uploadUrl ? { uploadUrl } : {}),
        onUploadUrl: (url) => {
          state.tus[f.key] = url;
          ctx.save();
        },
        onProgress: (bytes) => ctx.onProgress(finishedBytes + bytes),
      });
      delete state.tus[f.key];
      arrived([f.key], f.file.size);
      result.requests += 1;
    }
  } catch (error) {
    // Refused for good (not a stop, not a passing fault): the batch finishes with what arrived.
    if (isApiError(error) && error.status < 500 && error.status !== 401 && error.status !== 429) await client.closeBatch(batch.id).catch(() => {});
    throw error;
  }
  // Every file arrived: the batch takes no more and finishes once they are processed.
  await client.closeBatch(batch.id).catch(() => {});
  return result;
}

/** The batch, or null when the server no longer has it. */
async function batchIfKept(client: BatchClient, batchId: string, signal: AbortSignal): Promise<Batch | null> {
  try {
    return await client.getBatch(batchId, { signal });
  } catch (error) {
    if (isApiError(error) && error.status === 404) return null;
    throw error;
  }
}
