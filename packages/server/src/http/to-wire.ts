import { progressPercent, type Batch, type BatchFile, type BatchSummary } from '@batch-uploader/protocol';
import { acceptsFiles, batchStatus } from '../store/batch-status.js';
import type { BatchRecord, FileRecord } from '../store/records.js';

export { batchStatus };

/**
 * The number of the wire form below. Status ETags name (form, batch, version) instead of
 * hashing each body, so a change to what these functions answer must move it: a poller
 * holding an ETag from before gets the new form, not a 304.
 */
export const WIRE_FORM = 5;

/** The wire form of a batch without files. */
export function toWireSummary(batch: BatchRecord): BatchSummary {
  const summary: BatchSummary = {
    id: batch.id,
    status: batchStatus(batch),
    total_files: batch.total_files,
    progress: { ...batch.counts, needs_review: batch.needs_review, rejected_at_review: batch.rejected_at_review, percent: progressPercent(batch.counts) },
    priority: batch.priority,
    patient_id: batch.patient_id,
    template_id: batch.template_id,
    encounter_id: batch.encounter_id,
    created_at: batch.created_at.toISOString(),
    updated_at: batch.updated_at.toISOString(),
    finished_at: batch.finished_at?.toISOString() ?? null,
    accepting_files: acceptsFiles(batch),
    expected_files: batch.expected_files,
  };
  if (batch.content_purged_at) summary.purged_at = batch.content_purged_at.toISOString();
  return summary;
}

/** The wire form of a file record. */
export function toWireFile(file: FileRecord): BatchFile {
  const wire: BatchFile = {
    file_id: file.id,
    filename: file.filename,
    status: file.status,
    size: file.size,
    detected_type: file.detected_type,
    attempts: file.attempts,
    created_at: file.created_at.toISOString(),
  };
  if (file.started_at) wire.started_at = file.started_at.toISOString();
  if (file.completed_at) wire.completed_at = file.completed_at.toISOString();
  if ((file.status === 'failed' || file.status === 'cancelled') && file.error) wire.error = file.error;
  if (file.status === 'completed') wire.result = file.result ?? null;
  if (file.review) {
    const { reason, decision, decided_by, decided_at } = file.review;
    wire.needs_review = file.status === 'completed' && decision === null;
    wire.review = { reason: { code: reason.code, message: reason.message }, decision, decided_by, decided_at: decided_at?.toISOString() ?? null };
  }
  if (file.content_purged_at) wire.purged_at = file.content_purged_at.toISOString();
  return wire;
}

/** The wire form of a batch with its files. */
export function toWireBatch(batch: BatchRecord, files: FileRecord[]): Batch {
  return { ...toWireSummary(batch), files: files.map(toWireFile) };
}
