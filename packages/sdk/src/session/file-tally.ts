import type { SessionFile, SessionFileStatus } from './session-state.js';

/** What the selectors derive from a file list: files by status, and bytes. */
export interface FileTally {
  /** Files in each status. */
  readonly byStatus: Readonly<Record<SessionFileStatus, number>>;
  /** Sizes of all files. */
  readonly bytesTotal: number;
  /** Bytes sent: a file's bytes so far while queued or uploading, its whole size afterwards. */
  readonly bytesSent: number;
  /** Files whose bytes have all left (uploading with every byte sent, or past uploading). */
  readonly filesSent: number;
  /** Files the server holds for review (`needsReview`). */
  readonly needsReview: number;
  /** Files staff rejected at review (`review.decision` `rejected`): not filed to this patient. */
  readonly rejectedAtReview: number;
}

/**
 * Tallies by file list. State is immutable, so a list's tally never goes stale; a live
 * update that replaces k files of a long list carries the tally over in O(k)
 * ({@link carryTally}) instead of walking the whole list again on every update.
 */
const tallies = new WeakMap<readonly SessionFile[], FileTally>();

/** The tally of `files`, computed once per list. */
export function tallyFiles(files: readonly SessionFile[]): FileTally {
  let tally = tallies.get(files);
  if (!tally) {
    const byStatus = { checking: 0, queued: 0, uploading: 0, pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
    let bytesTotal = 0;
    let bytesSent = 0;
    let filesSent = 0;
    let needsReview = 0;
    let rejectedAtReview = 0;
    for (const file of files) {
      byStatus[file.status] += 1;
      bytesTotal += file.size;
      bytesSent += sentOf(file);
      filesSent += wholeOf(file);
      needsReview += heldOf(file);
      rejectedAtReview += rejectedOf(file);
    }
    tally = { byStatus, bytesTotal, bytesSent, filesSent, needsReview, rejectedAtReview };
    tallies.set(files, tally);
  }
  return tally;
}

/**
 * Records the tally of `next`, a copy of `previous` in which only the files at
 * `replaced` (positions, each once) differ, from the tally of `previous` — when that one is known;
 * otherwise `next` is tallied on first use like any list.
 */
export function carryTally(previous: readonly SessionFile[], next: readonly SessionFile[], replaced: Iterable<number>): void {
  const known = tallies.get(previous);
  if (!known || tallies.has(next)) return;
  const byStatus = { ...known.byStatus };
  let { bytesTotal, bytesSent, filesSent, needsReview, rejectedAtReview } = known;
  for (const at of replaced) {
    const before = previous[at]!;
    const after = next[at]!;
    byStatus[before.status] -= 1;
    byStatus[after.status] += 1;
    bytesTotal += after.size - before.size;
    bytesSent += sentOf(after) - sentOf(before);
    filesSent += wholeOf(after) - wholeOf(before);
    needsReview += heldOf(after) - heldOf(before);
    rejectedAtReview += rejectedOf(after) - rejectedOf(before);
  }
  tallies.set(next, { byStatus, bytesTotal, bytesSent, filesSent, needsReview, rejectedAtReview });
}

function sentOf(file: SessionFile): number {
  return file.status === 'checking' || file.status === 'queued' || file.status === 'uploading' ? file.bytesSent : file.size;
}

/** 1 when every byte of the file has left. */
function wholeOf(file: SessionFile): number {
  return sentOf(file) >= file.size && file.status !== 'checking' && file.status !== 'queued' ? 1 : 0;
}

/** 1 when the server holds the file for review. */
function heldOf(file: SessionFile): number {
  return file.needsReview === true ? 1 : 0;
}

/** 1 when staff rejected the file at review. */
function rejectedOf(file: SessionFile): number {
  return file.review?.decision === 'rejected' ? 1 : 0;
}
