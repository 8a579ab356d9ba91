import { Readable } from 'node:stream';
import { FILE_ERRORS, type FileError } from '@batch-uploader/protocol';
import type { BlobStore } from '../store/blob-store.js';
import { BlobNotFoundError } from '../store/blob-store.js';
import type { ClaimedFile, FileOutcome } from '../store/records.js';
import type { ProcessorFile } from '../processors/processor.js';
import { isPermanentError, isTransientError } from '../processors/processor.js';

/** Why a processing run was interrupted by the engine rather than by the file. */
export type InterruptReason = 'lease_lost' | 'shutdown' | 'timeout';

/** Marks an abort the engine caused, so that the outcome can tell it from a file's own error. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly reason: InterruptReason) {
    super(`Processing interrupted: ${reason}.`);
  }
}

/** What the engine does with a file after its processor returned or threw. */
export type RunVerdict =
  { kind: 'finish'; outcome: FileOutcome } | { kind: 'retry'; error: FileError; retryAfterMs?: number } | { kind: 'release' } | { kind: 'drop' };

/** The processor's view of a claimed file, reading bytes from the blob store. */
export function toProcessorFile(claimed: ClaimedFile, blobs: BlobStore): ProcessorFile {
  const { file } = claimed;
  const open = (): Readable => {
    if (!file.blob_key) return failing(new BlobNotFoundError('(none)'));
    return blobs.open(file.blob_key);
  };
  return {
    file_id: file.id,
    batch_id: file.batch_id,
    filename: file.filename,
    size: file.size,
    detected_type: file.detected_type,
    declared_type: file.declared_type,
    open,
    read: () => readAll(open(), file.size),
  };
}

/**
 * Reads a stream into one buffer of the expected size, filled as chunks arrive: gathering
 * the chunks and joining them would hold every file twice at its peak (50 MB documents,
 * several at once). The buffer owns its memory, so it can be moved to a worker thread
 * without a copy. Should the bytes not match `size`, they are joined as read.
 */
async function readAll(stream: Readable, size: number): Promise<Buffer> {
  const target = Buffer.allocUnsafeSlow(size);
  const chunks: Buffer[] = [];
  let filled = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    if (chunks.length === 0 && filled + bytes.length <= size) {
      bytes.copy(target, filled);
    } else {
      if (chunks.length === 0) chunks.push(target.subarray(0, filled));
      chunks.push(bytes);
    }
    filled += bytes.length;
  }
  if (chunks.length > 0) return Buffer.concat(chunks, filled);
  return filled === size ? target : target.subarray(0, filled);
}

function failing(error: Error): Readable {
  return new Readable({
    read() {
      this.destroy(error);
    },
  });
}

/**
 * Decides what a run's error means for its file: the file is bad (fail now), the
 * failure may pass (retry later, until attempts run out), or the engine interrupted
 * the run (give the file back, or drop it when the lease is already someone else's).
 */
export function judgeError(error: unknown, attempts: number, maxAttempts: number): RunVerdict {
  if (error instanceof Interrupted) {
    if (error.reason === 'lease_lost') return { kind: 'drop' };
    if (error.reason === 'shutdown') return { kind: 'release' };
    return fail('PROCESSING_TIMEOUT');
  }
  if (isPermanentError(error)) {
    return { kind: 'finish', outcome: { status: 'failed', error: { code: error.code, message: error.message } } };
  }
  if (error instanceof BlobNotFoundError) return fail('FILE_MISSING');
  if (attempts >= maxAttempts) return fail('PROCESSING_FAILED');
  const retryAfterMs = isTransientError(error) ? error.options.retryAfterMs : undefined;
  return {
    kind: 'retry',
    error: { code: 'RETRYING', message: 'Processing did not finish this time; it will be tried again.' },
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function fail(code: keyof typeof FILE_ERRORS): RunVerdict {
  return { kind: 'finish', outcome: { status: 'failed', error: { code, message: FILE_ERRORS[code] } } };
}
