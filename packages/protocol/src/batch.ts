import type { ErrorCode } from './errors.js';
import type { FileReview } from './review.js';

/** Where one file is in its life on the server. */
export type FileStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';

/**
 * Where a whole batch is: derived from its files (and a cancel or pause request).
 * `paused`: files left to run wait until the batch is resumed (files already processing finish).
 */
export type BatchStatus = 'pending' | 'processing' | 'paused' | 'completed' | 'failed' | 'cancelled';

/** How urgently a batch's files are taken from the queue. */
export type BatchPriority = 'high' | 'normal' | 'low';

/** File states after which nothing more happens to a file. */
export const TERMINAL_FILE_STATUSES: readonly FileStatus[] = ['completed', 'failed', 'cancelled'];

/** Batch states after which no file of the batch will run again. */
export const TERMINAL_BATCH_STATUSES: readonly BatchStatus[] = ['completed', 'failed', 'cancelled'];

/** Why a file failed: a stable code and a sentence a clerk understands. */
export interface FileError {
  code: string;
  message: string;
}

/** Facts the default processor returns about a document. */
export interface InspectionResult {
  /** MIME type sniffed from the bytes. */
  detected_type: string;
  /** Size in bytes. */
  bytes: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** Page count (PDFs; multi-page TIFFs). */
  pages?: number;
  /** Pixel width of the first page (images). */
  width?: number;
  /** Pixel height of the first page (images). */
  height?: number;
  /** Text of the first pages, where the PDF carries a text layer (truncated). */
  text?: string;
  /** Document metadata where the format carries it (PDF title, producer…). */
  metadata?: Record<string, string>;
  /** What the document says: its type and fields (the documents processor only). */
  document?: DocumentReading;
}

/** The document types the built-in templates recognise; a workspace's templates may add others. */
export const DOCUMENT_TYPES = Object.freeze(['referral_letter', 'discharge_summary', 'lab_report', 'imaging_report', 'clinic_letter', 'unknown'] as const);

/** A built-in document type, or `unknown` when no template recognised the text. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/**
 * Fields read from a document, each present only when found, as normalised strings that
 * compare as they are: names "Jane Doe" (titles dropped, "DOE, Jane" turned round, each
 * part capitalised, accents kept), dates `YYYY-MM-DD`, NHS numbers 10 digits that pass
 * the Modulus 11 check, hospital numbers upper case without spaces. A workspace's
 * templates may read further fields.
 */
export interface DocumentFields {
  patient_name?: string;
  date_of_birth?: string;
  nhs_number?: string;
  /** Hospital number (MRN). */
  mrn?: string;
  document_date?: string;
  author?: string;
  [field: string]: string | undefined;
}

/** What the documents processor read from a file (`result.document`). Health data: retention removes it. */
export interface DocumentReading {
  /** A {@link DocumentType}, or a workspace template's own type. */
  type: DocumentType | (string & {});
  /** The template that read it; null when the type is `unknown`. */
  template_id: string | null;
  /** How sure the type is, 0-1. */
  confidence: number;
  /** Where the text came from: the PDF's text layer, OCR, or nowhere (no text found). */
  text_source: 'pdf_text' | 'ocr' | 'none';
  fields: DocumentFields;
}

/**
 * What `filename` becomes when retention removes a file's content (see
 * `BatchFile.purged_at`): a name is health data too.
 */
export const PURGED_FILENAME = '(removed after retention)';

/**
 * The fields of a completed file's `result` that retention keeps (see
 * `BatchFile.purged_at`), each only with a value of its kind: facts about the file, never
 * what it says. Everything else a processor returned is removed — the documents
 * processor's `document` (the fields read: name, date of birth, NHS number) and the
 * wrong-patient guard's `patient_check` too. A file's `review` (reason code, decision, who,
 * when) is not part of the result and stays, as the record of the decision.
 */
export const KEPT_RESULT_FIELDS = Object.freeze(['detected_type', 'bytes', 'sha256', 'pages', 'width', 'height'] as const);

/** One file of a batch, as the status endpoint shows it. */
export interface BatchFile {
  file_id: string;
  /**
   * The name the client sent, sanitised; shown to people, never used as a path.
   * {@link PURGED_FILENAME} once retention removed it.
   */
  filename: string;
  status: FileStatus;
  /** Size in bytes as received. */
  size: number;
  /** MIME type decided from the bytes at upload (null when it matched no known type). */
  detected_type: string | null;
  /** How many times processing was started. */
  attempts: number;
  /** Why the file failed (failed and cancelled files only). */
  error?: FileError;
  /**
   * What the processor returned (completed files only). With a batch patient and a
   * processor that reads document fields, it carries `patient_check` (a `PatientCheck`).
   */
  result?: unknown;
  /**
   * True while a completed file waits for staff to confirm or reject it (see `review`):
   * a document that names another patient. False once decided; absent for files never held.
   */
  needs_review?: boolean;
  /** Why the file was held for review and what was decided (files held only). */
  review?: FileReview;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  /**
   * When retention removed what the record held of the document, with its bytes: the
   * name became {@link PURGED_FILENAME}, the result keeps only {@link KEPT_RESULT_FIELDS},
   * and an error keeps its code with the standard sentence. Absent while they are kept.
   */
  purged_at?: string;
}

/** File counts of a batch by status, and the share that is finished. */
export interface BatchProgress {
  pending: number;
  processing: number;
  completed: number;
  failed: number;
  cancelled: number;
  /**
   * Completed files waiting for a staff decision (`needs_review`): part of `completed`,
   * not added to the total. Absent from servers that predate review.
   */
  needs_review?: number;
  /**
   * Completed files staff rejected at review (not filed to the batch's patient): part of
   * `completed`. Absent from servers that predate this count.
   */
  rejected_at_review?: number;
  /** Whole percent of files that reached a final status. */
  percent: number;
}

/** A batch without its file list, as history shows it. */
export interface BatchSummary {
  id: string;
  status: BatchStatus;
  total_files: number;
  progress: BatchProgress;
  priority: BatchPriority;
  patient_id: string | null;
  template_id: string | null;
  encounter_id: string | null;
  created_at: string;
  updated_at: string;
  /** When every file reached a final status, or the batch was cancelled. */
  finished_at: string | null;
  /**
   * Whether files may still be appended (`POST /batch/{batch_id}/files`): the batch has
   * neither finished nor been cancelled. A batch uploaded with `more_files=true` stays so
   * until its last part, a close, or the hold runs out.
   */
  accepting_files: boolean;
  /**
   * How many files the upload said it would send (`expected_files` when the batch was
   * made empty, or of the first request of a batch sent in several); null when it did not say. While `accepting_files`,
   * `expected_files - total_files` files are still to come: an upload interrupted by a
   * reload can be finished by appending them. Absent from servers that predate it.
   */
  expected_files?: number | null;
  /**
   * When retention removed the batch's `patient_id` and `encounter_id` (now null) and its
   * files' content (see `BatchFile.purged_at`). Absent while they are kept.
   */
  purged_at?: string;
}

/** A batch with every file, as the status endpoint shows it. */
export interface Batch extends BatchSummary {
  files: BatchFile[];
}

/** 202 answer to `POST /batch-upload`. */
export interface UploadResponse {
  status: 'success';
  batch_id: string;
  total_files: number;
  message: string;
  tracking_url: string;
  /** Live Server-Sent Events of this batch. */
  events_url: string;
}

/** 202 answer to `POST /batch/{batch_id}/files` (files appended to an open batch). */
export interface AppendResponse {
  status: 'success';
  batch_id: string;
  /** Files this request added. */
  appended_files: number;
  /** Files the batch holds now, these included. */
  total_files: number;
  /** Ids of the added files, in the order they were sent. */
  file_ids: string[];
  message: string;
  tracking_url: string;
  events_url: string;
}

/** Answer to `POST /batches`: an empty batch held open for files sent one by one. */
export interface CreateBatchResponse {
  status: 'success';
  batch_id: string;
  /** Always true: the batch takes files until it is closed or its hold runs out. */
  accepting_files: true;
  /** The resumable (tus 1.0) route: create each file's upload there with `batch_id` in its metadata. */
  upload_url: string;
  tracking_url: string;
  events_url: string;
}

/** Answer to `GET /batch-status/{batch_id}`, and to cancel, pause, resume and close. */
export interface BatchStatusResponse {
  status: 'success';
  batch: Batch;
}

/** Answer to `POST /batch/{batch_id}/retry`. */
export interface RetryResponse {
  status: 'success';
  /** Failed files put back in the queue. */
  retried: number;
  /**
   * Failed files left failed because their bytes are gone: refused at upload (not an
   * accepted type) or removed by retention after the batch finished.
   */
  not_retryable: number;
  /** The batch after the retry. */
  batch: Batch;
}

/** Answer to `POST /batch/{batch_id}/files/{file_id}/review`. */
export interface ReviewResponse {
  status: 'success';
  /** The file as the decision left it. */
  file: BatchFile;
  /** The batch after the decision. */
  batch: Batch;
}

/** Answer to `GET /batch-history`. */
export interface BatchHistoryResponse {
  status: 'success';
  batches: BatchSummary[];
  /** Pass as `cursor` to get the next, older page; null on the last page. */
  next_cursor: string | null;
}

/** Answer to `GET /limits`: what the server accepts. */
export interface LimitsResponse {
  status: 'success';
  limits: {
    max_files: number;
    max_file_size: number;
    accepted_types: string[];
    /** Present when the server offers resumable uploads (tus) at `{base}/uploads`. */
    resumable?: ResumableLimits;
  };
}

/** How a server takes resumable uploads: the tus protocol at `{base}/uploads`. */
export interface ResumableLimits {
  protocol: 'tus';
  /** The tus version, `1.0.0`. */
  version: string;
  /** The path of the tus route under the API's base. */
  path: '/uploads';
  /** Largest `Upload-Length`, in bytes (the file size limit). */
  max_size: number;
  /** The size of the parts clients are advised to send, in bytes. */
  chunk_size: number;
  /** How long an unfinished upload is kept after it began, in seconds. */
  expires_after_seconds: number;
}

/** Every error answer. */
export interface ErrorResponse {
  status: 'error';
  error: {
    code: ErrorCode;
    message: string;
    /** Extra facts for some codes (the limit that was hit, the field that was wrong). */
    details?: Record<string, unknown>;
  };
}

/**
 * `data` of a `changes` event (`GET /batch-events/{batch_id}?changes=1`): the whole
 * batch without its file list, and the files whose wire form changed since the previous
 * event of the same stream. Applied to the stream's last snapshot by `file_id` (a file
 * not seen before is appended: it was added to the batch), it gives the batch as it now
 * is.
 */
export interface BatchChanges extends BatchSummary {
  /** Files that changed, or were added, since the previous event; in batch order. */
  changed_files: BatchFile[];
}

/** The query parameter of `GET /batch-events/{batch_id}` that asks for `changes` events after the first snapshot. */
export const CHANGES_PARAM = 'changes';

/** Names of the Server-Sent Events of `GET /batch-events/{batch_id}`. */
export const BATCH_EVENTS = {
  /**
   * `data` is a full {@link Batch} snapshot; sent on connect and on every change (with
   * `?changes=1`: on connect only).
   */
  snapshot: 'snapshot',
  /** `data` is a {@link BatchChanges}; sent on every change after the first snapshot, with `?changes=1` only. */
  changes: 'changes',
  /** Sent once when the batch reaches a final status; the stream then closes. */
  end: 'end',
} as const;

/** Derives the progress counts' percent: finished files over all files. */
export function progressPercent(p: Omit<BatchProgress, 'percent' | 'needs_review' | 'rejected_at_review'>): number {
  const total = p.pending + p.processing + p.completed + p.failed + p.cancelled;
  if (total === 0) return 0;
  return Math.floor(((p.completed + p.failed + p.cancelled) * 100) / total);
}
