import { TERMINAL_BATCH_STATUSES, type Batch, type BatchSummary } from '@batch-uploader/protocol';

/**
 * True once nothing more will happen to the batch. A cancelled batch can still have
 * files finishing their processing; the server sets `finished_at` only when they are done.
 */
export function isBatchFinished(batch: Batch | BatchSummary): boolean {
  return batch.finished_at !== null && TERMINAL_BATCH_STATUSES.includes(batch.status);
}
