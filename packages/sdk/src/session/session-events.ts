import type { BatchStatus, ReviewState } from '@batch-uploader/protocol';
import type { ConnectionState, LiveChannel } from '../client/watch-batch.js';
import type { BatchOutcome } from './outcome.js';
import type { SessionCounts } from './selectors.js';
import type { RejectedFile, SessionFile, SessionFileStatus, SessionPhase } from './session-state.js';

/**
 * Every event a {@link BatchSession} emits, name → detail. Events fire after the state
 * already shows the change, so a listener may read `session.getState()`.
 */
export interface BatchSessionEventMap {
  /** Files were offered: those accepted and those refused (one event per `addFiles`). */
  'files-added': { files: readonly SessionFile[]; rejected: readonly RejectedFile[] };
  /**
   * Files were refused: when they were offered (`afterCheck: false`, right after their
   * `files-added`), or, queued by their declared type, when the check of their content
   * failed (`afterCheck: true`: they left `files` for `rejected`).
   */
  'files-rejected': { rejected: readonly RejectedFile[]; afterCheck: boolean };
  /** Files left the session by `removeFile()` or `clear()` (refused ones included), before the upload. */
  'files-removed': { files: readonly SessionFile[]; rejected: readonly RejectedFile[] };
  /** The upload began. */
  'upload-started': { files: readonly SessionFile[] };
  /** Bytes left; at most every `progressIntervalMs`. */
  'upload-progress': { sent: number; total: number; percent: number };
  /** The server created the batch (its first request was accepted); `totalFiles` are being sent to it. */
  'batch-created': { batchId: string; totalFiles: number };
  /** The server accepted the batch; processing runs from here. */
  'upload-completed': { batchId: string };
  /** The upload failed; files are `queued` again and `start()` may be called again (unless part of the batch arrived: see `start()`). */
  'upload-failed': { error: unknown };
  /** Percent, counts or phase changed while a batch is sent or followed (never per byte, never while idle). */
  progress: { batchId: string | null; phase: SessionPhase; percent: number; counts: SessionCounts };
  /** One file moved to another status (on the server, or by the session). */
  'file-status': { file: SessionFile; previous: SessionFileStatus };
  /** Live updates now arrive by this channel (`sse`, or `polling` after a fallback). */
  channel: { channel: LiveChannel };
  /**
   * The server could not be reached while following the batch (`reconnecting`: the session
   * keeps trying), or answers again (`connected`; the state shows the batch as it now is).
   */
  connection: { connection: ConnectionState };
  /**
   * The followed batch is an upload that stopped before all its files were sent (after a
   * reload): `received` of `expected` files arrived; see `SessionState.interrupted`.
   */
  'upload-interrupted': { batchId: string; received: number; expected: number };
  /** The batch was paused (by this session or elsewhere): its files not yet started wait. */
  'batch-paused': { batchId: string };
  /** The paused batch runs again. */
  'batch-resumed': { batchId: string };
  /** Staff's decision on a file held for review was recorded (`reviewFile()`); `decision` as the server recorded it. */
  'file-reviewed': { file: SessionFile; decision: ReviewState | null };
  /** The server put the batch's failed files back in the queue (`retryFailed()`); `notRetryable` stay failed (their bytes are gone). */
  'batch-retried': { batchId: string; retried: number; notRetryable: number };
  /**
   * The batch reached a final status. `outcome` says how it went at a glance; `notSent`
   * counts the files refused before sending (`state.rejected`, not in `counts`).
   * `summary` is English (`formatSummary`); a UI in another language formats `counts`.
   */
  'batch-finished': { batchId: string; status: BatchStatus; outcome: BatchOutcome; counts: SessionCounts; notSent: number; summary: string };
  /**
   * Following the batch failed for good (e.g. it was deleted, or the server stayed
   * unreachable), or the batch remembered from before a reload could not be followed again.
   */
  error: { error: unknown };
}

/** A listener of one event. */
export type SessionEventListener<K extends keyof BatchSessionEventMap> = (detail: BatchSessionEventMap[K]) => void;

/** Typed, synchronous event emitter for {@link BatchSessionEventMap}. */
export class SessionEmitter {
  readonly #listeners = new Map<keyof BatchSessionEventMap, Set<(detail: never) => void>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof BatchSessionEventMap>(type: K, listener: SessionEventListener<K>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener as (detail: never) => void);
    return () => {
      set.delete(listener as (detail: never) => void);
    };
  }

  /** Calls every listener of `type`; a throwing listener is reported and does not stop the others. */
  emit<K extends keyof BatchSessionEventMap>(type: K, detail: BatchSessionEventMap[K]): void {
    const listeners = this.#listeners.get(type);
    if (!listeners || listeners.size === 0) return;
    for (const listener of [...listeners]) {
      try {
        (listener as SessionEventListener<K>)(detail);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
