/**
 * Every error the API can answer with: code → HTTP status and a message a clinic
 * clerk can act on. Shared by the server (which answers with it) and the SDK (which
 * recognises it). Callers branch on `code`, never on message text.
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  NO_FILES: { status: 400, message: 'Add at least one file to the batch.' },
  TOO_MANY_FILES: { status: 400, message: 'Too many files: a batch holds at most {max_files} files.' },
  MALFORMED_UPLOAD: { status: 400, message: 'The upload was not a well-formed multipart form.' },
  INVALID_FIELD: { status: 400, message: 'A form field is not valid.' },
  INVALID_QUERY: { status: 400, message: 'A query parameter is not valid.' },
  INVALID_BATCH_ID: { status: 400, message: 'That is not a valid batch id.' },
  UNAUTHORIZED: { status: 401, message: 'Sign in first: a valid access token is required.' },
  FORBIDDEN_ORIGIN: { status: 403, message: 'This page may not make changes here: its address is not among the origins the server accepts.' },
  BATCH_NOT_FOUND: { status: 404, message: 'No batch with that id was found.' },
  NOT_FOUND: { status: 404, message: 'There is nothing at this address.' },
  BATCH_NOT_OPEN: { status: 409, message: 'The batch has already finished or was cancelled.' },
  BATCH_CANCELLED: { status: 409, message: 'The batch was cancelled, so its files cannot be tried again.' },
  NOTHING_TO_RETRY: { status: 409, message: 'No failed file of this batch can be tried again.' },
  FILE_NOT_FOUND: { status: 404, message: 'This batch has no file with that id.' },
  NOTHING_TO_REVIEW: { status: 409, message: 'This file is not waiting for review.' },
  ALREADY_REVIEWED: { status: 409, message: 'This file was already reviewed with another decision.' },
  FILE_TOO_LARGE: { status: 413, message: 'A file is larger than the {max_file_size_mb} MB limit.' },
  UNSUPPORTED_TYPE: { status: 415, message: 'Only PDF, PNG, JPEG, TIFF and WebP documents are accepted.' },
  RATE_LIMITED: { status: 429, message: 'Too many uploads: wait a moment and try again.' },
  INTERNAL: { status: 500, message: 'Something went wrong on the server. Try again.' },
  NOT_SUPPORTED: { status: 501, message: 'This server does not offer this feature.' },
  UNAVAILABLE: { status: 503, message: 'The server cannot take this request right now. Try again in a few seconds.' },
  INSUFFICIENT_STORAGE: { status: 507, message: 'The server has no room to store these files right now. Try again later; nothing was kept.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof ERRORS;

/**
 * Reasons a single file fails during processing. They appear as `files[].error.code`,
 * never as the status of a whole response.
 */
export const FILE_ERRORS = {
  UNSUPPORTED_TYPE: 'This file is not a PDF, PNG, JPEG, TIFF or WebP document.',
  CORRUPT_FILE: 'The file is damaged or incomplete and could not be read.',
  EMPTY_DOCUMENT: 'The document has no pages.',
  ENCRYPTED_DOCUMENT: 'The PDF is password-protected and cannot be read.',
  TOO_COMPLEX: 'The file is too large or complex to process.',
  PROCESSING_TIMEOUT: 'Reading the file took too long; it may be damaged.',
  WORKER_LOST: 'Processing stopped unexpectedly several times for this file.',
  PROCESSING_FAILED: 'The file could not be processed after several attempts.',
  FILE_MISSING: 'The stored copy of the file is missing.',
  CANCELLED: 'The batch was cancelled before this file was processed.',
  REJECTED_BY_PROCESSOR: 'The processing service refused this document.',
  RESULT_TOO_LARGE: 'The processing service returned more data than can be kept for one document.',
} as const satisfies Record<string, string>;

/**
 * Reasons a completed file waits for a person's decision (`files[].review.reason.code`,
 * with `needs_review: true`). `{fields}` is filled with the fields in words.
 */
export const REVIEW_REASONS = {
  PATIENT_MISMATCH: 'This document names another patient: {fields} differs.',
} as const satisfies Record<string, string>;

/** A stable code for why a file waits for review. */
export type ReviewReasonCode = keyof typeof REVIEW_REASONS;

/** A stable code for why one file failed. */
export type FileErrorCode = keyof typeof FILE_ERRORS;

/** Fills `{name}` placeholders of a message template. */
export function formatMessage(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
