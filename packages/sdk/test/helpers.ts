import type { Batch, BatchFile, BatchStatus, FileStatus } from '@batch-uploader/protocol';
import type { BatchIdStorage } from '../src/index.js';
import { waitFor } from '@batch-uploader/test-support/wait';
import { FINISHED_AT, wireBatch } from '@batch-uploader/test-support/wire-batch';

/** The first bytes of a PDF and of a PNG: enough for the session's content check. */
export const PDF = '%PDF-1.7\n';
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

/** The API base URL the msw tests pretend to talk to. */
export const ENDPOINT = 'http://api.test/api/gp';

/** A damaged file's error, as the server gives it. */
export const CORRUPT = { code: 'CORRUPT_FILE', message: 'The file is damaged or incomplete and could not be read.' };
/** The error of a file whose attempts an unavailable service used up: another try may pass. */
export const ATTEMPTS_USED_UP = { code: 'PROCESSING_FAILED', message: 'The file could not be processed after several attempts.' };

/** A wire batch with files in the given statuses; `finished` sets `finished_at`; failed files carry `error`. */
export function fakeBatch(id: string, statuses: readonly FileStatus[], status: BatchStatus = 'processing', finished = false, error = CORRUPT): Batch {
  const files: BatchFile[] = statuses.map((s, i) => ({
    file_id: `${id}-f${i}`,
    filename: `doc${i}.pdf`,
    status: s,
    size: 100,
    detected_type: 'application/pdf',
    attempts: s === 'pending' ? 0 : 1,
    created_at: '2026-01-01T00:00:00.000Z',
    ...(s === 'failed' ? { error } : {}),
  }));
  return wireBatch(id, files, { status, finished_at: finished ? FINISHED_AT : null, accepting_files: !finished });
}

/** The API's error envelope. */
export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { status: 'error', error: { code, message, ...(details ? { details } : {}) } };
}

/** Resolves when `check()` is true, polling every few milliseconds. */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  await waitFor(check, { timeoutMs, everyMs: 5 });
}

/** A storage as sessionStorage is, in memory (Node has none); `entries` shows what it holds. */
export function memoryStorage(): BatchIdStorage & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => void entries.set(key, value),
    removeItem: (key) => void entries.delete(key),
  };
}
