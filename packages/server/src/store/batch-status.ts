import type { BatchStatus } from '@batch-uploader/protocol';
import type { BatchRecord } from './records.js';

/** A batch's status, derived from its counts and whether it was cancelled or paused. */
export function batchStatus(batch: BatchRecord): BatchStatus {
  const c = batch.counts;
  if (batch.cancelled_at) return 'cancelled';
  // Files already processing when the pause came still run; the batch shows paused all the same.
  if (batch.paused_at && c.pending + c.processing > 0) return 'paused';
  if (c.pending + c.processing === 0) return c.failed === batch.total_files && batch.total_files > 0 ? 'failed' : 'completed';
  if (c.processing + c.completed + c.failed > 0) return 'processing';
  return 'pending';
}
