import type { BatchStatus } from '@batch-uploader/protocol';
import type { LiveChannel } from '../client/watch-batch.js';
import type { SessionCounts } from './selectors.js';
import type { RejectedFile, SessionFile, SessionFileStatus } from './session-state.js';

/**
 * Every event a {@link BatchSession} emits, name → detail. Events fire after the state
 * already shows the change, so a listener may read `session.getState()`.
 */
export interface BatchSessionEventMap {
  /** Files were offered: those accepted and those refused (one event per `addFiles`). */
  'files-added': { files: readonly SessionFile[]; rejected: readonly RejectedFile[] };
  /** Files queued by their declared type failed the check of their content: they left `files` for `rejected`. */
  'files-rejected': { rejected: readonly RejectedFile[] };
  /** The upload began. */
  'upload-started': { files: readonly SessionFile[] };
  /** Bytes left; at most every `progressIntervalMs`. */
  'upload-progress': { sent: number; total: number; percent: number };
  /** The server accepted the batch; processing runs from here. */
  'upload-completed': { batchId: string };
  /** The upload failed; files are `queued` again and `start()` may be called again. */
  'upload-failed': { error: unknown };
  /** One file moved to another status (on the server, or by the session). */
  'file-status': { file: SessionFile; previous: SessionFileStatus };
  /** Live updates now arrive by this channel (`sse`, or `polling` after a fallback). */
  'channel': { channel: LiveChannel };
  /** The server put the batch's failed files back in the queue (`retryFailed()`); `notRetryable` stay failed (their bytes are gone). */
  'batch-retried': { batchId: string; retried: number; notRetryable: number };
  /** The batch reached a final status. */
  'batch-finished': { batchId: string; status: BatchStatus; counts: SessionCounts; summary: string };
  /** Following the batch failed for good (e.g. it was deleted, or the server stayed unreachable). */
  'error': { error: unknown };
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
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
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
