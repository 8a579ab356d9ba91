import type { BatchStatus, FileError, FileReview, FileStatus, Limits } from '@batch-uploader/protocol';
import type { ConnectionState, LiveChannel } from '../client/watch-batch.js';

/**
 * Where a file of a session is: `checking` (just added; the session is deciding on it:
 * the server's limits or its first bytes are still to come), `queued` (added, not sent),
 * `uploading` (bytes leaving), then the server's statuses `pending` → `processing` →
 * `completed` / `failed` / `cancelled`.
 */
export type SessionFileStatus = 'checking' | 'queued' | 'uploading' | FileStatus;

/** One file of a session. */
export interface SessionFile {
  /** Local id, stable for the life of the session. */
  readonly id: string;
  /** The file's name as the user picked it (the server's sanitised name for attached batches). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /**
   * MIME type sniffed from the first bytes; for a file queued by its declared type, that
   * one until the background check read them (see `BatchSession.addFiles`).
   */
  readonly type: string;
  /** Last modification time (ms since epoch); 0 when unknown. */
  readonly lastModified: number;
  /** The bytes to send; null for files known only from the server (after `attach`). Never persisted. */
  readonly file: Blob | null;
  /** Where the file is. */
  readonly status: SessionFileStatus;
  /** Bytes of this file sent so far. */
  readonly bytesSent: number;
  /** The server's `file_id`, once the batch was created. */
  readonly fileId: string | null;
  /** Why the file failed or was cancelled, as the server said it. */
  readonly error: FileError | null;
  /** What the server's processor returned (completed files). */
  readonly result: unknown;
  /**
   * True while the server holds this completed file for staff to confirm or reject (a
   * document naming another patient: see `review`); false once decided. Absent for files
   * never held.
   */
  readonly needsReview?: boolean;
  /** Why the server held the file for review, and the decision (the wire's `review`). */
  readonly review?: FileReview;
  /**
   * When the server's retention removed the file's bytes and content (its `purged_at`);
   * absent while they are kept. A purged file cannot be run again.
   */
  readonly purgedAt?: string;
  /**
   * While `uploading`: the file goes through the server's resumable route (tus) and its
   * connection was cut; the upload goes on from the bytes the server holds. Absent otherwise.
   */
  readonly resuming?: true;
}

/** Why a file was refused before upload. */
export type RejectionCode = 'UNSUPPORTED_TYPE' | 'FILE_TOO_LARGE' | 'TOO_MANY_FILES' | 'DUPLICATE_FILE' | 'EMPTY_FILE';

/** A file that was not added, with the reason. */
export interface RejectedFile {
  /** Local id, for `removeFile`. */
  readonly id: string;
  readonly name: string;
  readonly size: number;
  /** Stable reason code; branch on it. */
  readonly code: RejectionCode;
  /** A sentence a clerk can act on. */
  readonly message: string;
}

/**
 * Where the session is: collecting files (`idle`), sending them (`uploading`),
 * following the server (`processing`), or done (`finished`: completed, failed or cancelled).
 */
export type SessionPhase = 'idle' | 'uploading' | 'processing' | 'finished';

/** Everything a UI renders. Counts, percent and summary are derived: see `selectors`. */
export interface SessionState {
  readonly phase: SessionPhase;
  /** Accepted files, in the order they were added. */
  readonly files: readonly SessionFile[];
  /** Files refused when added, or when the check of their content failed later, with reasons; they are never sent. */
  readonly rejected: readonly RejectedFile[];
  /** The server's batch id, once the upload was accepted. */
  readonly batchId: string | null;
  /** The server's batch status, once known. */
  readonly batchStatus: BatchStatus | null;
  /** How live updates arrive right now; null when not watching. */
  readonly channel: LiveChannel | null;
  /**
   * `reconnecting` while the batch is followed and the server cannot be reached (the live
   * stream is gone and a poll failed): the session keeps trying, with backoff, and
   * `reconnectNow()` tries at once. Requests that need the server wait for `connected`.
   */
  readonly connection: ConnectionState;
  /**
   * The upload of the followed batch stopped before every file was sent (the page was
   * reloaded or left while sending): `received` of the `expected` files are on the
   * server, which holds the batch open for the rest. `addMissingFiles()` sends them;
   * `finishWithoutMissing()` lets the batch finish without them. Null otherwise.
   */
  readonly interrupted: InterruptedUpload | null;
  /** What the server accepts; null until known. */
  readonly limits: Limits | null;
  /** The last error that stopped an upload or a watch (an `ApiError`, `NetworkError`, …); null when none. */
  readonly error: unknown;
}

/** An upload that stopped before all its files were sent (see `SessionState.interrupted`). */
export interface InterruptedUpload {
  /** Files the server received. */
  readonly received: number;
  /** Files the upload meant to send (the server's `expected_files`). */
  readonly expected: number;
  /** True while `addMissingFiles()` sends files. */
  readonly sending: boolean;
}

/** The state of a new session. */
export const INITIAL_STATE: SessionState = Object.freeze({
  phase: 'idle',
  files: [],
  rejected: [],
  batchId: null,
  batchStatus: null,
  channel: null,
  connection: 'connected',
  interrupted: null,
  limits: null,
  error: null,
});
