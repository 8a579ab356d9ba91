export { ACCEPTED_TYPES, DEFAULT_LIMITS, FIELD_PATTERN, HISTORY_PAGE, MAX_FIELD_LENGTH } from './limits.js';
export type { AcceptedType, Limits } from './limits.js';
export { ERRORS, FILE_ERRORS, REVIEW_REASONS, formatMessage } from './errors.js';
export type { ErrorCode, FileErrorCode, ReviewReasonCode } from './errors.js';
export { PATIENT_FIELDS, PATIENT_FIELD_LABELS, REVIEW_DECISIONS, patientMismatchMessage } from './review.js';
export type { FileReview, PatientCheck, PatientCheckOutcome, PatientField, ReviewDecision, ReviewRequest, ReviewState } from './review.js';
export {
  BATCH_EVENTS,
  CHANGES_PARAM,
  DOCUMENT_TYPES,
  KEPT_RESULT_FIELDS,
  PURGED_FILENAME,
  TERMINAL_BATCH_STATUSES,
  TERMINAL_FILE_STATUSES,
  progressPercent,
} from './batch.js';
export type {
  AppendResponse,
  Batch,
  BatchChanges,
  BatchFile,
  BatchHistoryResponse,
  BatchPriority,
  BatchProgress,
  BatchStatus,
  BatchStatusResponse,
  BatchSummary,
  ErrorResponse,
  FileError,
  FileStatus,
  InspectionResult,
  DocumentFields,
  DocumentReading,
  DocumentType,
  LimitsResponse,
  CreateBatchResponse,
  ResumableLimits,
  RetryResponse,
  ReviewResponse,
  UploadResponse,
} from './batch.js';
export { WEBHOOK_EVENTS, WEBHOOK_HEADERS } from './webhooks.js';
export type { BatchCompletedData, FileFailedData, FileNeedsReviewData, WebhookEvent, WebhookEventType } from './webhooks.js';
export { ANALYTICS_RANGE } from './analytics.js';
export type { AnalyticsDay, AnalyticsResponse, BatchAnalytics } from './analytics.js';
