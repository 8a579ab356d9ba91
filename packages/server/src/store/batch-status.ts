import type { BatchStatus } from '@batch-uploader/protocol';
import type { BatchRecord } from './records.js';

/** A batch's status, derived from its counts and whether it was cancelled, paused or held open. */
export function batchStatus(batch: BatchRecord): BatchStatus {
  const c = batch.counts;
  if (batch.cancelled_at) return 'cancelled';
  // Files already processing when the pause came still run; the batch shows paused all the same.
  if (batch.paused_at && c.pending + c.processing > 0) return 'paused';
  // Held open for more files: done with what it has, not finished.
  if (c.pending + c.processing === 0 && batch.held_until && !batch.finished_at) return 'processing';
  if (c.pending + c.processing === 0) return c.failed === batch.total_files && batch.total_files > 0 ? 'failed' : 'completed';
  if (c.processing + c.completed + c.failed > 0) return 'processing';
  return 'pending';
}

/** Whether the batch takes appended files: neither finished nor cancelled. */
export function acceptsFiles(batch: BatchRecord): boolean {
  return batch.finished_at === null && batch.cancelled_at === null;
}
