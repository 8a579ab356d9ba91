import type { Batch, BatchFile } from '@batch-uploader/protocol';
import { isBatchFinished } from '../client/batch-finished.js';
import { carryTally } from './file-tally.js';
import { mergeFile, type StatusChange } from './merge-snapshot.js';
import type { SessionFile, SessionState } from './session-state.js';

/**
 * Positions of a session's files by server `file_id`, for one files array. Built once
 * (a walk of every file) and carried over to the arrays `mergeChanges` makes, whose
 * files keep their places; any other new array is indexed afresh.
 */
export class FileIndex {
  #files: readonly SessionFile[] | null = null;
  readonly #positions = new Map<string, number>();
  /** Some file was sent but not matched to a server file yet: only a whole snapshot can match it. */
  #unmatched = false;

  /** The positions for `files`; null while a file waits to be matched. */
  positions(files: readonly SessionFile[]): ReadonlyMap<string, number> | null {
    if (files !== this.#files) {
      this.#files = files;
      this.#positions.clear();
      this.#unmatched = false;
      files.forEach((f, i) => {
        if (f.fileId !== null) this.#positions.set(f.fileId, i);
        else if (f.status === 'uploading' || f.status === 'pending') this.#unmatched = true;
      });
    }
    return this.#unmatched ? null : this.#positions;
  }

  /** Follows `files`, a copy of the indexed array in which only matched files were replaced. */
  carry(files: readonly SessionFile[]): void {
    this.#files = files;
  }
}

/**
 * Applies live `changes` of the session's batch — `batch` is the whole batch, `changed`
 * the files that differ from the previous update — touching only the changed files, found
 * through `index`. The result equals `mergeSnapshot(state, batch)` when the state shows
 * the previous update. Null when only a whole merge can do it: a changed file the session
 * does not know by id yet, a file waiting to be matched, or a finished session.
 */
export function mergeChanges(
  state: SessionState,
  batch: Batch,
  changed: readonly BatchFile[],
  index: FileIndex,
): { state: SessionState; changes: StatusChange[] } | null {
  if (state.batchId !== batch.id || state.phase === 'finished') return null;
  const positions = index.positions(state.files);
  if (!positions) return null;
  for (const remote of changed) if (!positions.has(remote.file_id)) return null;

  const changes: StatusChange[] = [];
  const replaced = new Set<number>();
  let files: SessionFile[] | null = null;
  for (const remote of changed) {
    const at = positions.get(remote.file_id)!;
    const f = (files ?? state.files)[at]!;
    const next = mergeFile(f, remote);
    if (next === f) continue;
    files ??= state.files.slice();
    files[at] = next;
    replaced.add(at);
    if (next.status !== f.status) changes.push({ file: next, previous: f.status });
  }
  const phase = isBatchFinished(batch) ? 'finished' : state.phase;
  if (!files && phase === state.phase && batch.status === state.batchStatus) return { state, changes };
  if (files) {
    index.carry(files);
    // Counts and bytes follow from the old list's in O(k), not from a walk of the new one.
    carryTally(state.files, files, replaced);
  }
  return { state: { ...state, files: files ?? state.files, batchStatus: batch.status, phase }, changes };
}
