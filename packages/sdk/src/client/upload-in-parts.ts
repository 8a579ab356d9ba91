import type { AppendResponse, Batch, CreateBatchResponse, UploadResponse } from '@batch-uploader/protocol';
import { abortReason, isAbortError } from '../errors/abort.js';
import { isApiError } from '../errors/api-error.js';
import { isNetworkError } from '../errors/network-error.js';
import { isTimeoutError } from '../errors/timeout-error.js';
import type { ResolvedClientOptions } from './client-options.js';
import { delay } from './delay.js';
import type { RequestOptions, UploadOptions } from './request-options.js';
import { toUploadProgress, type UploadFile } from './send-files.js';

/** What uploading in parts needs of a client: its part settings and six calls (`BatchClient` has them). */
export interface PartsClient {
  readonly options: Pick<ResolvedClientOptions, 'uploadPartFiles' | 'uploadPartBytes' | 'uploadRetries'>;
  upload(files: readonly UploadFile[], options: UploadOptions): Promise<UploadResponse>;
  createBatch(options: Pick<UploadOptions, 'fields' | 'priority' | 'signal' | 'expectedFiles'>): Promise<CreateBatchResponse>;
  appendFiles(batchId: string, files: readonly UploadFile[], options: Pick<UploadOptions, 'signal' | 'onProgress' | 'moreFiles'>): Promise<AppendResponse>;
  getBatch(batchId: string, options?: RequestOptions): Promise<Batch>;
  cancelBatch(batchId: string): Promise<Batch>;
  closeBatch(batchId: string): Promise<Batch>;
}

/** Options of `BatchClient.uploadBatch`. */
export interface BatchUploadOptions extends UploadOptions {
  /**
   * Called once the batch exists, before its files are sent: a batch of several requests is
   * made empty first (`POST /batches`), so a page reloaded while its first files are on the
   * way can still find it; a one-request batch once that request was accepted.
   */
  onBatchCreated?: (batchId: string) => void;
  /**
   * Called after each accepted request with the files it carried (the objects given), the
   * count of files (from the first) the batch now holds, and the server's ids of those
   * files in the same order when its answer named them (appends and resumable uploads;
   * not the request that made the batch, nor an append whose answer was lost).
   */
  onPartSent?: (part: SentPart) => void;
  /**
   * Called when the connection of a file sent through tus (see `BatchClientOptions.resumable`)
   * failed and its upload goes on, after a wait, from the offset the server holds.
   */
  onResuming?: (file: UploadFile) => void;
  /**
   * Called once the resumable (tus) upload of a file is made on the server, with its URL:
   * kept, and handed back by `uploadUrlOf`, it lets that file go on from the server's offset
   * after the page was reloaded or the process stopped.
   */
  onUploadUrl?: (file: UploadFile, url: string) => void;
  /** The URL of a resumable upload this file began earlier (see `onUploadUrl`), if any: it goes on from there. */
  uploadUrlOf?: (file: UploadFile) => Promise<string | null | undefined> | string | null | undefined;
}

/** Files of a batch upload that the server accepted: see `BatchUploadOptions.onPartSent`. */
export interface SentPart {
  batchId: string;
  files: readonly UploadFile[];
  filesSent: number;
  fileIds?: ReadonlyArray<string | null>;
}

/** What `BatchClient.uploadBatch` resolves with. */
export interface BatchUploadResult {
  batch_id: string;
  /** Files the batch holds once every part arrived. */
  total_files: number;
  /** Requests the upload took, retries not counted. */
  parts: number;
}

/** Where one request of a batch starts and ends in the file list (`end` exclusive). */
export interface PartRange {
  start: number;
  end: number;
}

/** Splits files into requests of at most `maxFiles` files and `maxBytes` bytes; a larger file goes alone. */
export function splitIntoParts(sizes: readonly number[], maxFiles: number, maxBytes: number): PartRange[] {
  const parts: PartRange[] = [];
  let start = 0;
  let bytes = 0;
  sizes.forEach((size, i) => {
    if (i > start && (i - start >= maxFiles || bytes + size > maxBytes)) {
      parts.push({ start, end: i });
      start = i;
      bytes = 0;
    }
    bytes += size;
  });
  if (sizes.length > 0) parts.push({ start, end: sizes.length });
  return parts;
}

// Gateways, overloaded servers and full disks answer these; the request may go again.
const TRANSIENT_STATUS = [408, 429, 500, 502, 503, 504, 507];
// Of those, the answers that say the server did nothing with the request (507: its disk
// was full, and it kept none of the files).
const REFUSED_STATUS = [408, 429, 503, 507];

/**
 * Uploads one batch in several requests; see `BatchClient.uploadBatch`. With `into`, every
 * part is appended to that batch (made beforehand with `POST /batches`) and the batch is
 * left held open and untouched on failure: its caller closes or cancels it.
 */
export async function uploadInParts(
  client: PartsClient,
  files: readonly UploadFile[],
  options: BatchUploadOptions,
  into?: { batchId: string; totalFiles: number },
): Promise<BatchUploadResult> {
  const { signal, onProgress, onBatchCreated, onPartSent } = options;
  const { uploadPartFiles, uploadPartBytes, uploadRetries } = client.options;
  const parts = splitIntoParts(
    files.map((f) => f.size),
    uploadPartFiles,
    uploadPartBytes,
  );
  const sent = files.map(() => 0);
  const report = () => onProgress?.(toUploadProgress(sent, files));
  const partOptions = ({ start, end }: PartRange) => ({
    ...(signal ? { signal } : {}),
    onProgress: (p: { files: ReadonlyArray<{ sent: number }> }) => {
      p.files.forEach((file, i) => (sent[start + i] = file.sent));
      report();
    },
  });
  /**
   * Sends one request, again after transient failures. `landed` looks, after a failure,
   * whether the server kept the request anyway (its answer was lost).
   */
  const retrying = async <T>(send: () => Promise<T>, part: PartRange | null, landed?: (error: unknown) => Promise<T | null>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const kept = await landed?.(error);
        if (kept) return kept;
        if (attempt >= uploadRetries || !isTransient(error, landed !== undefined)) throw error;
        if (part) {
          sent.fill(0, part.start, part.end);
          report();
        }
        await delay(backoffMs(error, attempt), signal);
      }
    }
  };

  // Every request but the last holds the batch open: a batch whose files are all done
  // finishes, and would refuse the parts still to come.
  let batchId: string;
  let totalFiles: number;
  let rest = parts;
  // Made empty before any file is sent, with how many will come: the batch and its id
  // exist from the start, so an upload cut short (a page reloaded during the first part)
  // leaves a batch that says what is missing. Every part is then an append, which is
  // looked up after a lost answer rather than sent twice. A backend without `POST
  // /batches` has the first request make the batch instead.
  const made = into || parts.length === 1 ? null : await createEmpty(client, { ...pick(options), expectedFiles: files.length, ...(signal ? { signal } : {}) });
  if (into) {
    ({ batchId, totalFiles } = into);
  } else if (made) {
    batchId = made.batch_id;
    totalFiles = 0;
    onBatchCreated?.(batchId);
  } else {
    const first = parts[0]!;
    const created: UploadResponse = await retrying(
      () =>
        client.upload(files.slice(first.start, first.end), {
          ...partOptions(first),
          ...pick(options),
          ...(parts.length > 1 ? { moreFiles: true, expectedFiles: files.length } : {}),
        }),
      first,
    );
    batchId = created.batch_id;
    totalFiles = created.total_files;
    onBatchCreated?.(batchId);
    onPartSent?.({ batchId, files: files.slice(first.start, first.end), filesSent: first.end });
    if (parts.length === 1) return { batch_id: batchId, total_files: totalFiles, parts: 1 };
    rest = parts.slice(1);
  }

  try {
    for (const part of rest) {
      const expected = totalFiles + part.end - part.start;
      const moreFiles = into !== undefined || part !== parts.at(-1);
      const answer = await retrying<{ total_files: number; file_ids?: string[] }>(
        () => client.appendFiles(batchId, files.slice(part.start, part.end), { ...partOptions(part), moreFiles }),
        part,
        // The answer to an append can be lost after the server kept the files: look before sending them twice.
        async (error) => {
          if (!isTransient(error, true) || (isApiError(error) && REFUSED_STATUS.includes(error.status))) return null;
          const batch = await client.getBatch(batchId, signal ? { signal } : {}).catch(() => null);
          return batch && batch.total_files >= expected ? { total_files: batch.total_files } : null;
        },
      );
      totalFiles = answer.total_files;
      for (let i = part.start; i < part.end; i++) sent[i] = files[i]!.size;
      report();
      onPartSent?.({ batchId, files: files.slice(part.start, part.end), filesSent: part.end, ...(answer.file_ids ? { fileIds: answer.file_ids } : {}) });
    }
    // Aborted after the last part: cancelled like an abort a moment earlier.
    if (signal?.aborted) throw abortReason(signal);
  } catch (error) {
    // Aborted: nothing more of this batch should run, as when a single upload is aborted.
    // Failed for good: the batch takes no more files and finishes with those that arrived
    // (none arrived: it is cancelled, there is nothing to finish with).
    if (into) throw error;
    await (isAbortError(error) || totalFiles === 0 ? client.cancelBatch(batchId) : client.closeBatch(batchId)).catch(() => {});
    throw error;
  }
  return { batch_id: batchId, total_files: totalFiles, parts: parts.length };
}

/** `POST /batches`, or null when the server has no such route (404, 405, 501: a backend of its own that predates it). */
async function createEmpty(client: PartsClient, options: Parameters<PartsClient['createBatch']>[0]): Promise<CreateBatchResponse | null> {
  try {
    return await client.createBatch(options);
  } catch (error) {
    if (isApiError(error) && [404, 405, 501].includes(error.status)) return null;
    throw error;
  }
}

/**
 * True for failures where sending again may succeed. `checkable`: a lost answer can be
 * told from a refusal (appends, by reading the batch). Other requests go again only when
 * the server said it did nothing, or could not have kept anything (a stalled request):
 * sending a new batch twice would process it twice.
 */
function isTransient(error: unknown, checkable: boolean): boolean {
  if (isApiError(error)) return (checkable ? TRANSIENT_STATUS : REFUSED_STATUS).includes(error.status);
  // A stalled request never sent its whole body: the server kept nothing of it.
  if (isNetworkError(error) && error.stalled) return true;
  return checkable && (isNetworkError(error) || isTimeoutError(error));
}

/** Exponential backoff from half a second, or the wait a 429 names. */
function backoffMs(error: unknown, attempt: number): number {
  const wait = isApiError(error) ? error.details?.retry_after_seconds : undefined;
  return typeof wait === 'number' && wait > 0 ? wait * 1_000 : Math.min(500 * 2 ** attempt, 8_000);
}

function pick(options: UploadOptions): Pick<UploadOptions, 'fields' | 'priority'> {
  return { ...(options.fields ? { fields: options.fields } : {}), ...(options.priority ? { priority: options.priority } : {}) };
}
