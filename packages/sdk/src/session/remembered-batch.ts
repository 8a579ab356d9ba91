import { isAbortError } from '../errors/abort.js';
import { isApiError } from '../errors/api-error.js';
// A type-only import: keeping uploads' URLs is needed only for large files, loaded then.
import type { RememberedUploads } from './remembered-uploads.js';
import type { SessionCore } from './session-core.js';

/** Where a session keeps its batch id across reloads: `sessionStorage`, or anything with its three methods. */
export type BatchIdStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Options of a session that survives a page reload (`BatchSessionOptions.resume`). */
export interface ResumeOptions {
  /** The storage key: one per uploader on a page, e.g. `batch-uploader:/api/gp`. */
  key: string;
  /** Where the id is kept. @default globalThis.sessionStorage (none in Node: pass one) */
  storage?: BatchIdStorage;
}

/**
 * Keeps the id of the session's batch — and, for its unfinished resumable uploads, their
 * URLs by a fingerprint of the file (see `RememberedUploads`); no file names, bytes or
 * patient data — in storage while it runs (forgotten once it finished or was cancelled), and follows that batch again on
 * `restore()`. A storage that cannot be used (disabled, sandboxed, Node) costs the
 * resume only.
 */
export class RememberedBatch {
  readonly #core: SessionCore;
  #uploads: Promise<RememberedUploads> | null = null;
  readonly #key: string;
  readonly #storage: BatchIdStorage | undefined;

  constructor(core: SessionCore, { key, storage }: ResumeOptions) {
    this.#core = core;
    this.#key = key;
    this.#storage = storage ?? (globalThis as { sessionStorage?: BatchIdStorage }).sessionStorage;
    core.store.subscribe((state, previous) => {
      // A finished (or cancelled) batch has nothing left to pick up after a reload.
      const kept = state.phase === 'finished' ? null : state.batchId;
      if (kept !== (previous.phase === 'finished' ? null : previous.batchId)) this.#write(kept);
    });
  }

  /** The batch's unfinished resumable uploads, kept beside its id (`<key>:uploads`): loaded when first needed. */
  readonly uploads = (): Promise<RememberedUploads> => {
    this.#uploads ??= import('./remembered-uploads.js').then(
      ({ RememberedUploads }) => new RememberedUploads(this.#key, this.#storage),
      (error: unknown) => {
        this.#uploads = null; // Tried again next time.
        throw error;
      },
    );
    return this.#uploads;
  };

  /**
   * Follows the remembered batch when the session is fresh (idle, no file, no batch);
   * resolves with its id, or null when there was none. A batch that cannot be followed
   * is told as an `error` event; it is forgotten when the server says it is gone (404) or
   * the id is not one (400), and kept after other failures (signing in again may help).
   */
  async restore(attach: (batchId: string) => Promise<void>): Promise<string | null> {
    const { phase, batchId, files } = this.#core.state;
    if (phase !== 'idle' || batchId !== null || files.length > 0) return null;
    const remembered = this.#read();
    if (!remembered) return null;
    try {
      await attach(remembered);
      return this.#core.state.batchId;
    } catch (error) {
      if (isAbortError(error)) return null;
      if (isApiError(error) && (error.status === 404 || error.status === 400)) this.#write(null);
      this.#core.events.emit('error', { error });
      return null;
    }
  }

  #read(): string | null {
    try {
      return this.#storage?.getItem(this.#key) ?? null;
    } catch {
      return null; // Storage disabled (sandboxed frame, privacy settings): no resume, nothing else lost.
    }
  }

  #write(batchId: string | null): void {
    forgetUploadsUnlessOf(this.#storage, this.#key, batchId);
    try {
      if (batchId) this.#storage?.setItem(this.#key, batchId);
      else this.#storage?.removeItem(this.#key);
    } catch {
      // See #read.
    }
  }
}

/** Where the URLs of a batch's unfinished resumable uploads are kept, beside its id at `key`. */
export function uploadsKey(key: string): string {
  return `${key}:uploads`;
}

/**
 * Forgets the kept resumable uploads (see `RememberedUploads`) unless they are of
 * `batchId`: with null, or another batch, every one.
 */
export function forgetUploadsUnlessOf(storage: BatchIdStorage | undefined, key: string, batchId: string | null): void {
  try {
    const text = storage?.getItem(uploadsKey(key));
    if (text && (batchId === null || keptBatch(text) !== batchId)) storage!.removeItem(uploadsKey(key));
  } catch {
    // A storage that cannot be used costs the resume only.
  }
}

function keptBatch(text: string): unknown {
  try {
    return (JSON.parse(text) as { batch?: unknown } | null)?.batch;
  } catch {
    return undefined; // Not ours to read: forgotten.
  }
}
