import type { Batch, BatchPriority } from '@batch-uploader/protocol';
import type { UploadProgress } from './send-files.js';

/** Text fields sent with an upload; names as on the wire. */
export interface UploadFields {
  /** The patient the documents belong to. Sent to the server only, never logged by the SDK. */
  patient_id?: string;
  /** The document template the host uses for processing. */
  template_id?: string;
  /** The encounter (visit) the documents belong to. */
  encounter_id?: string;
  /** Queue priority of the batch. @default 'normal' (server side) */
  priority?: BatchPriority;
}

/** Options of `BatchClient.upload`. */
export interface UploadOptions {
  /** Text fields sent with the files. */
  fields?: UploadFields;
  /**
   * Queue priority of the new batch: `high` batches are processed first, `low` ones
   * later, none starved. `fields.priority` wins when both are given.
   * @default 'normal' (server side)
   * @example 'high'
   */
  priority?: BatchPriority;
  /**
   * More files of this batch follow in later requests (`BatchClient.appendFiles`):
   * the server holds the batch open, processing its files but not finishing it, until a
   * request without `moreFiles`, `BatchClient.closeBatch`, or a while without any.
   * @default false
   */
  moreFiles?: boolean;
  /**
   * How many files the whole upload (this request and the appends after it) means to
   * send; the server shows it as the batch's `expected_files`, so that an upload cut
   * short (a page reload) can be told and finished. `uploadBatch` sets it.
   */
  expectedFiles?: number;
  /** Aborts the upload. */
  signal?: AbortSignal;
  /** Called as bytes leave, at most every few tens of milliseconds. */
  onProgress?: (progress: UploadProgress) => void;
}

/** Options every call accepts. */
export interface RequestOptions {
  /** Aborts the call. */
  signal?: AbortSignal;
}

/** Options of `BatchClient.getHistory`. */
export interface HistoryOptions extends RequestOptions {
  /** Batches per page (1–100). @default 20 (server side) */
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string | null;
}

/** Options of `BatchClient.events`. */
export interface EventsOptions extends RequestOptions {
  /**
   * Ask for `changes` events (only the files that changed) after the first snapshot,
   * instead of a whole snapshot on every change. Needs a server that knows
   * `?changes=1`; an older one ignores it and sends snapshots. @default false
   */
  changes?: boolean;
}

/** Options of `BatchClient.getAnalytics`. */
export interface AnalyticsOptions extends RequestOptions {
  /** Start of the range: a Date or an ISO 8601 date (`'2026-01-31'`), at most 366 days ago. @default 30 days ago (server side) */
  since?: Date | string;
}

/** Result of `BatchClient.getBatchIfChanged`. */
export interface ConditionalBatch {
  /** The batch, or null when it did not change since `etag`. */
  batch: Batch | null;
  /** The version to pass next time. */
  etag: string | null;
}
