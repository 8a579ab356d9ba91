import type { BatchStatus } from './batch.js';

/**
 * Webhook events a server sends to its configured URL. Payloads carry ids, counts,
 * statuses and times only: never patient data, filenames or document content.
 */
export const WEBHOOK_EVENTS = {
  /** A batch finished: every file reached a final status (its `status` tells how). */
  batchCompleted: 'batch.completed',
  /** A file failed for good (refused at upload, or processing failed). */
  fileFailed: 'file.failed',
  /** A file completed but waits for staff to confirm or reject it (a document naming another patient). */
  fileNeedsReview: 'file.needs_review',
} as const;

/** The type of a webhook event. */
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[keyof typeof WEBHOOK_EVENTS];

/** Headers of every webhook request. */
export const WEBHOOK_HEADERS = {
  /** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret>`. */
  signature: 'X-Batch-Uploader-Signature',
  /** The event type, as in the body. */
  event: 'X-Batch-Uploader-Event',
  /** The event id, as in the body: the same on every retry of one event, so receivers can drop repeats. */
  delivery: 'X-Batch-Uploader-Delivery',
} as const;

/** `data` of a `batch.completed` event. */
export interface BatchCompletedData {
  batch_id: string;
  workspace_id: string;
  /** `completed`, `failed` (every file failed) or `cancelled`. */
  status: BatchStatus;
  total_files: number;
  counts: { pending: number; processing: number; completed: number; failed: number; cancelled: number };
  created_at: string;
  finished_at: string;
}

/** `data` of a `file.failed` event. */
export interface FileFailedData {
  batch_id: string;
  workspace_id: string;
  file_id: string;
  /** Why it failed: a `FILE_ERRORS` code, or one of the host processor's codes. */
  error_code: string;
  /** Processing attempts made (0 for a file refused at upload). */
  attempts: number;
  failed_at: string;
}

/** `data` of a `file.needs_review` event: codes and field names only, never what the fields say. */
export interface FileNeedsReviewData {
  batch_id: string;
  workspace_id: string;
  file_id: string;
  /** Why: a `REVIEW_REASONS` code (`PATIENT_MISMATCH`). */
  reason_code: string;
  /** Names of the fields that differ (`nhs_number`, `mrn`, `patient_name`, `date_of_birth`). */
  conflicting: string[];
  flagged_at: string;
}

/** The JSON body of a webhook request. */
export type WebhookEvent =
  | { id: string; type: 'batch.completed'; created_at: string; data: BatchCompletedData }
  | { id: string; type: 'file.failed'; created_at: string; data: FileFailedData }
  | { id: string; type: 'file.needs_review'; created_at: string; data: FileNeedsReviewData };
