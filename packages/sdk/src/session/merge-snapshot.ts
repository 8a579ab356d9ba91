import type { Batch, BatchFile } from '@batch-uploader/protocol';
import { isBatchFinished } from '../client/batch-finished.js';
import type { SessionFile, SessionFileStatus, SessionState } from './session-state.js';

/** A file whose status a snapshot changed. */
export interface StatusChange {
  file: SessionFile;
  previous: SessionFileStatus;
}

/**
 * Applies a server snapshot of the session's batch: each file takes the server's
 * status, error and result. Files are matched to the server's by upload order once
 * (the server keeps that order), then by `file_id`. A finished batch takes an
 * unfinished snapshot only with `reopen` (the answer to a retry): any other is older
 * than the one that finished it, e.g. a live update sent before the cancel answer
 * but received after it. Pure; returns the same state object when nothing changed.
 */
export function mergeSnapshot(state: SessionState, batch: Batch, reopen = false): { state: SessionState; changes: StatusChange[] } {
  const finished = isBatchFinished(batch);
  if (state.batchId !== batch.id || (state.phase === 'finished' && !finished && !reopen)) return { state, changes: [] };
  const byId = new Map(batch.files.map((file) => [file.file_id, file]));
  // Files sent but not matched yet take the server's unclaimed files in order; files
  // that never reached the server (queued, or failed locally) take none.
  const claimed = new Set(state.files.map((f) => f.fileId));
  const free = batch.files.filter((file) => !claimed.has(file.file_id));
  const unmatched = state.files.filter((f) => f.fileId === null && (f.status === 'uploading' || f.status === 'pending'));
  const order = new Map(unmatched.map((f, i) => [f.id, free[i]?.file_id ?? null]));
  const changes: StatusChange[] = [];
  let changed = false;
  const files = state.files.map((f) => {
    const fileId = f.fileId ?? order.get(f.id) ?? null;
    const remote = fileId ? byId.get(fileId) : undefined;
    if (!remote) return f;
    const next = mergeFile(f, remote);
    if (next === f) return f;
    changed = true;
    if (next.status !== f.status) changes.push({ file: next, previous: f.status });
    return next;
  });
  const phase = finished ? 'finished' : state.phase === 'finished' ? 'processing' : state.phase;
  if (!changed && phase === state.phase && batch.status === state.batchStatus) return { state, changes };
  return { state: { ...state, files: changed ? files : state.files, batchStatus: batch.status, phase }, changes };
}

/** A session file as the server's file shows it (matched to it by `remote.file_id`); the same object when nothing changed. */
export function mergeFile(f: SessionFile, remote: BatchFile): SessionFile {
  const error = remote.error ?? null;
  if (
    f.fileId === remote.file_id &&
    f.status === remote.status &&
    f.error?.code === error?.code &&
    f.result === remote.result &&
    f.purgedAt === remote.purged_at &&
    f.needsReview === remote.needs_review &&
    f.review?.decision === remote.review?.decision
  )
    return f;
  const { purgedAt: _kept, needsReview: _held, review: _review, ...rest } = f;
  return {
    ...rest,
    fileId: remote.file_id,
    status: remote.status,
    error,
    result: remote.result,
    bytesSent: f.size,
    ...(remote.purged_at ? { purgedAt: remote.purged_at } : {}),
    ...reviewOf(remote),
  };
}

/** The review fields of a session file, from the server's file: present only for files held. */
function reviewOf(remote: BatchFile): Pick<SessionFile, 'needsReview' | 'review'> {
  return remote.review ? { needsReview: remote.needs_review ?? remote.review.decision === null, review: remote.review } : {};
}

/** A session file for a file known only from the server (after `attach`): no bytes. */
export function fromServerFile(id: string, file: BatchFile): SessionFile {
  return {
    id,
    name: file.filename,
    size: file.size,
    type: file.detected_type ?? '',
    lastModified: 0,
    file: null,
    status: file.status,
    bytesSent: file.size,
    fileId: file.file_id,
    error: file.error ?? null,
    result: file.result,
    ...(file.purged_at ? { purgedAt: file.purged_at } : {}),
    ...reviewOf(file),
  };
}
