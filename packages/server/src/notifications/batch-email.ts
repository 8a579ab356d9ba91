import { FILE_ERRORS } from '@batch-uploader/protocol';
import { batchStatus } from '../store/batch-status.js';
import type { BatchRecord, FileRecord } from '../store/records.js';

/** The subject and body of a finished batch's email. */
export interface BatchEmailContent {
  subject: string;
  text: string;
}

/** A failure reason of a batch's files: its code, the protocol table's sentence, how many files. */
export interface FailureReason {
  code: string;
  message: string;
  count: number;
}

/** What a code may look like to be shown; a host processor's code of any other shape shows as `OTHER`. */
const CODE_SHAPE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The failure reasons of a batch's failed files, most frequent first. Only codes and the
 * protocol's own sentences (`FILE_ERRORS`): a file's stored message may come from a host
 * processor, which could quote the document, so it is never used.
 */
export function failureReasons(files: readonly Pick<FileRecord, 'status' | 'error'>[]): FailureReason[] {
  const counts = new Map<string, number>();
  for (const file of files) {
    if (file.status !== 'failed') continue;
    const raw = file.error?.code ?? 'OTHER';
    const code = CODE_SHAPE.test(raw) ? raw : 'OTHER';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts]
    .map(([code, count]) => ({
      code,
      count,
      message: Object.hasOwn(FILE_ERRORS, code) ? FILE_ERRORS[code as keyof typeof FILE_ERRORS] : 'Reported by the document processor.',
    }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/**
 * The email of a finished batch: outcome, counts by status, failure reasons by code,
 * batch and workspace ids, start and end times (UTC) and an optional link. Built from
 * ids, counts, codes and times only — never a filename, a patient, template or encounter
 * id, or anything read from a document.
 */
export function batchEmail(batch: BatchRecord, files: readonly Pick<FileRecord, 'status' | 'error'>[], link: string | null): BatchEmailContent {
  const { counts, total_files: total } = batch;
  const status = batchStatus(batch);
  const short = batch.id.slice(0, 8);
  let outcome: string;
  let subject: string;
  if (status === 'cancelled') {
    outcome = `The batch was cancelled: ${counts.completed} completed, ${counts.failed} failed, ${counts.cancelled} not processed.`;
    subject = `Batch ${short} cancelled`;
  } else if (counts.failed === 0) {
    outcome = total === 1 ? 'The batch finished: its file completed.' : `The batch finished: all ${total} files completed.`;
    subject = `Batch ${short} finished: ${total === 1 ? 'the file' : `all ${total} files`} completed`;
  } else if (counts.failed === total) {
    outcome = total === 1 ? 'The batch finished: its file failed.' : `The batch finished: all ${total} files failed.`;
    subject = `Batch ${short} finished: ${total === 1 ? 'the file' : `all ${total} files`} failed`;
  } else {
    outcome = `The batch finished with ${counts.failed} of ${total} files failed.`;
    subject = `Batch ${short} finished with ${counts.failed} of ${total} files failed`;
  }

  const lines = [
    outcome,
    '',
    `Batch:      ${batch.id}`,
    `Workspace:  ${batch.workspace_id}`,
    `Started:    ${utc(batch.created_at)}`,
    `Finished:   ${batch.finished_at ? utc(batch.finished_at) : '-'}`,
    '',
    `Files:      ${total}`,
    `  completed ${counts.completed}`,
    `  failed    ${counts.failed}`,
    `  cancelled ${counts.cancelled}`,
  ];
  if (batch.needs_review > 0) {
    lines.push(
      '',
      `To review: ${batch.needs_review} ${batch.needs_review === 1 ? 'document names' : 'documents name'} another patient (PATIENT_MISMATCH).`,
      'Open the batch to confirm or reject before filing.',
    );
  }
  const reasons = failureReasons(files);
  if (reasons.length > 0) {
    lines.push('', 'Why files failed:');
    for (const reason of reasons) lines.push(`  ${reason.count} × ${reason.code}: ${reason.message}`);
  }
  if (link) lines.push('', `Open the batch: ${link}`);
  lines.push('', '--', 'This message carries no patient details, file names or document content:', 'open the batch to see its files.');
  return { subject, text: `${lines.join('\n')}\n` };
}

/** `2026-05-01T10:00:00Z`: ISO 8601 in UTC, to the second. */
function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
