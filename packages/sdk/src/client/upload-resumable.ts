import { abortReason, isAbortError } from '../errors/abort.js';
import type { UploadOptions } from './request-options.js';
import type { ResumableRequest } from './resumable-upload.js';
import { toUploadProgress, type UploadFile } from './send-files.js';
import { uploadInParts, type BatchUploadOptions, type BatchUploadResult, type PartsClient } from './upload-in-parts.js';

/** What a resumable batch upload needs of a client (`BatchClient` has it). */
export interface ResumableClient extends PartsClient {
  uploadResumable(
    batchId: string,
    file: UploadFile,
    options: Pick<ResumableRequest, 'signal' | 'onProgress' | 'onResuming' | 'uploadUrl' | 'onUploadUrl'>,
  ): Promise<string | null>;
}

/**
 * Uploads one batch partly through tus: the batch is made empty with `POST /batches`, the
 * small files are appended to it in multipart parts (`POST /batch/{id}/files`), each file
 * marked in `viaTus` is sent alone through the tus route (resuming after cuts, or going on
 * with the upload `uploadUrlOf` names), and the batch is closed once all arrived. On an
 * abort the batch is cancelled; when a file fails for good the batch is closed and
 * finishes with the files that arrived. With `into`, the files go into that batch (held
 * open, holding `totalFiles`), which is left open and untouched on failure: its caller
 * closes or cancels it.
 */
export async function uploadResumably(
  client: ResumableClient,
  files: readonly UploadFile[],
  viaTus: readonly boolean[],
  options: BatchUploadOptions,
  into?: { batchId: string; totalFiles: number },
): Promise<BatchUploadResult> {
  const { signal, onProgress, onBatchCreated, onPartSent } = options;
  const sent = files.map(() => 0);
  const report = () => onProgress?.(toUploadProgress(sent, files));
  let batchId: string;
  if (into) {
    batchId = into.batchId;
  } else {
    const created = await client.createBatch({
      ...(options.fields ? { fields: options.fields } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
      ...(signal ? { signal } : {}),
      expectedFiles: files.length,
    });
    batchId = created.batch_id;
    onBatchCreated?.(batchId);
  }

  const small = files.flatMap((_, i) => (viaTus[i] ? [] : [i]));
  const large = files.flatMap((_, i) => (viaTus[i] ? [i] : []));
  let filesSent = 0;
  let requests = 0;
  try {
    if (small.length > 0) {
      const parts = await uploadInParts(
        client,
        small.map((i) => files[i]!),
        {
          ...(signal ? { signal } : {}),
          onProgress: (p) => {
            p.files.forEach((file, k) => (sent[small[k]!] = file.sent));
            report();
          },
          onPartSent: ({ files: part, fileIds }) => {
            filesSent += part.length;
            onPartSent?.({ batchId, files: part, filesSent, ...(fileIds ? { fileIds } : {}) });
          },
        },
        { batchId, totalFiles: into?.totalFiles ?? 0 },
      );
      requests += parts.parts;
    }
    // One file at a time: a cut costs one file's chunk, and the files arrive in order.
    for (const i of large) {
      const file = files[i]!;
      const uploadUrl = (await options.uploadUrlOf?.(file)) ?? undefined;
      const fileId = await client.uploadResumable(batchId, file, {
        signal,
        uploadUrl,
        onUploadUrl: (url) => options.onUploadUrl?.(file, url),
        onProgress: (bytes) => {
          sent[i] = bytes;
          report();
        },
        onResuming: () => options.onResuming?.(file),
      });
      sent[i] = file.size;
      report();
      filesSent += 1;
      requests += 1;
      // The files arrive small ones first: their ids, not the order, tell which is which.
      onPartSent?.({ batchId, files: [file], filesSent, fileIds: [fileId] });
    }
    if (signal?.aborted) throw abortReason(signal);
  } catch (error) {
    if (!into) await (isAbortError(error) ? client.cancelBatch(batchId) : client.closeBatch(batchId)).catch(() => {});
    throw error;
  }
  if (into) return { batch_id: batchId, total_files: into.totalFiles + filesSent, parts: requests };
  // Every file arrived: the batch takes no more and finishes when they are processed. A
  // close that fails leaves the same outcome once the server's hold for appends runs out.
  await client.closeBatch(batchId).catch(() => {});
  return { batch_id: batchId, total_files: filesSent, parts: requests };
}
