/**
 * @batch-uploader/sdk — the batch uploader without UI, for browsers and Node.
 * This entry has no Node-only code; `@batch-uploader/sdk/node` adds disk helpers.
 */
export { BatchClient } from './client/batch-client.js';
export type {
  AnalyticsOptions,
  BatchUploadOptions,
  BatchUploadResult,
  ConditionalBatch,
  EventsOptions,
  FileUploadProgress,
  HistoryOptions,
  RequestOptions,
  SentPart,
  UploadFields,
  UploadFile,
  UploadOptions,
  UploadProgress,
} from './client/batch-client.js';
export { CLIENT_DEFAULTS } from './client/client-options.js';
export type { AuthToken, BatchClientOptions, LiveMode, ResolvedClientOptions, UploadTransportKind } from './client/client-options.js';
export type { BatchEvent } from './client/batch-events.js';
export { isBatchFinished } from './client/batch-finished.js';
export { SseParser } from './client/sse-parser.js';
export type { SseMessage } from './client/sse-parser.js';
export type { ConnectionState, LiveChannel, WatchOptions } from './client/watch-batch.js';

export { SdkError, isSdkError } from './errors/sdk-error.js';
export { ApiError, isApiError } from './errors/api-error.js';
export type { ApiErrorCode } from './errors/api-error.js';
export { NetworkError, isNetworkError } from './errors/network-error.js';
export { TimeoutError, isTimeoutError } from './errors/timeout-error.js';
export { SessionError, isSessionError } from './errors/session-error.js';
export { isAbortError } from './errors/abort.js';

export { BatchSession } from './session/batch-session.js';
export type { AddFilesResult, BatchSessionOptions, FileInput, MissingFilesResult } from './session/batch-session.js';
export type { BatchSessionEventMap, SessionEventListener } from './session/session-events.js';
export { PHASE_TRANSITIONS, nextPhase } from './session/phase.js';
export type { PhaseEvent } from './session/phase.js';
export type { BatchIdStorage, ResumeOptions } from './session/remembered-batch.js';
export { INITIAL_STATE } from './session/session-state.js';
export type { InterruptedUpload, RejectedFile, RejectionCode, SessionFile, SessionFileStatus, SessionPhase, SessionState } from './session/session-state.js';
export {
  formatSummary,
  selectCanPause,
  selectCanResume,
  selectCanRetry,
  selectCanStart,
  selectCounts,
  selectProgress,
  selectRetryableCount,
  selectSending,
  selectSummary,
} from './session/selectors.js';
export type { SessionCounts, SessionProgress } from './session/selectors.js';
export { FILE_ERROR_RETRYABLE, canRetryFile, outcomeOf, selectAttention, selectOutcome } from './session/outcome.js';
export type { BatchOutcome, SessionAttention } from './session/outcome.js';
export { REJECTION_MESSAGES, duplicateKey, validateFiles } from './session/validate-files.js';
export type { Candidate, Validation } from './session/validate-files.js';
export { readHead, readHeads, sniffType, SNIFF_BYTES } from './session/sniff-type.js';
export type { Listener } from './session/store.js';

export type {
  AnalyticsDay,
  AppendResponse,
  Batch,
  BatchAnalytics,
  BatchChanges,
  BatchFile,
  BatchHistoryResponse,
  BatchPriority,
  BatchStatus,
  BatchSummary,
  ErrorCode,
  FileError,
  FileReview,
  FileStatus,
  Limits,
  PatientCheck,
  PatientField,
  RetryResponse,
  ReviewDecision,
  ReviewResponse,
  ReviewState,
  UploadResponse,
} from '@batch-uploader/protocol';
