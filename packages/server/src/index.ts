export { createBatchRouter } from './router.js';
export type { BatchRouter } from './router.js';
export type { Authenticate, AuthenticateRequest, BatchRouterOptions, Caller } from './router-options.js';
export type { RateLimitHits, RateLimitStore, UploadRateLimit } from './http/upload-rate-limit-options.js';
export type { CorsOptions } from './http/cors-options.js';
export type { ResumableOptions, ResumableStore } from './http/resumable-options.js';
export { BatchEngine, type EngineActivity } from './engine/batch-engine.js';
export { ENGINE_DEFAULTS } from './engine/engine-options.js';
export type { BatchEngineOptions } from './engine/engine-options.js';
export type { AppendOptions, BatchRequest, IncomingFile, RetryResult } from './engine/command-input.js';
export { EngineError, isEngineError } from './engine/engine-error.js';
export type { Refusal } from './engine/engine-error.js';
export { BatchEvents } from './engine/batch-events.js';
export type { BatchChange } from './engine/batch-events.js';
export { sweepQuarantine } from './http/quarantine-folder.js';
export { QuarantineSweeper } from './http/quarantine-sweeper.js';
export type { QuarantineSweeperOptions } from './http/quarantine-sweeper.js';
export { sanitizeFilename } from './http/filename.js';
export { ApiError } from './http/api-error.js';
export { batchStatus, toWireBatch, toWireSummary } from './http/to-wire.js';
export type { Store } from './store/store.js';
export type { BatchRecords } from './store/batch-records.js';
export type { BatchControl } from './store/batch-control.js';
export type { FileQueue } from './store/file-queue.js';
export type { Retention } from './store/retention.js';
export { PURGED_ERROR_MESSAGE, keptError, keptResult, purgedFile } from './store/purged-content.js';
export { WEBHOOK_CHANNEL } from './store/outbox.js';
export type { DeliveryOutcome, NewOutboxMessage, Outbox, OutboxDelivery } from './store/outbox.js';
export type { Analytics, WorkspaceAnalytics } from './store/analytics.js';
export type { BlobStore } from './store/blob-store.js';
export { BlobNotFoundError } from './store/blob-store.js';
export { CLAIM_STEP_MS, PRIORITY_OFFSET_MS } from './store/records.js';
export type {
  AppendOutcome,
  BatchRecord,
  BatchWithFiles,
  ClaimedFile,
  FileCounts,
  FileOutcome,
  FileRecord,
  FileTransition,
  HistoryCursor,
  NewBatch,
  NewFile,
  RetryOutcome,
} from './store/records.js';
export { LocalBlobStore } from './stores/local/index.js';
export type { LocalBlobStoreOptions } from './stores/local/index.js';
export { PermanentError, TransientError, isPermanentError, isTransientError } from './processors/processor.js';
export type { Processor, ProcessorContext, ProcessorFile } from './processors/processor.js';
export { SNIFF_BYTES, sniffType } from './shared/sniff-type.js';
export { CONTEXT_HEADER, HTTP_PROCESSOR_DEFAULTS, createHttpProcessor } from './processors/http/index.js';
export type { HttpProcessor, HttpProcessorContext, HttpProcessorOptions } from './processors/http/index.js';
export {
  DEFAULT_READ_PAGES,
  PATTERN_MACROS,
  TemplateError,
  createDocumentsProcessor,
  isValidNhsNumber,
  loadTemplatesDir,
  nameKey,
  normaliseDate,
  normaliseMrn,
  normaliseName,
  normaliseNhsNumber,
  readDocument,
  readDocumentWithCost,
  validateTemplate,
} from './processors/documents/index.js';
export type {
  DocumentReadingWithCost,
  DocumentTemplate,
  DocumentsProcessor,
  DocumentsProcessorOptions,
  DocumentsResult,
  FieldRule,
  FieldValidator,
  ReadDocumentOptions,
  RecognitionRule,
} from './processors/documents/index.js';
export { WEBHOOK_DEFAULTS } from './webhooks/webhook-options.js';
export type { WebhookOptions } from './webhooks/webhook-options.js';
export { signWebhook, verifyWebhookSignature } from './webhooks/webhook-signature.js';
export { EMAIL_DEFAULTS } from './notifications/email-options.js';
export type { BatchLink, EmailOptions, EmailRecipients } from './notifications/email-options.js';
export { EMAIL_CHANNEL } from './notifications/email-notifier.js';
export type { StoredEmail } from './notifications/email-notifier.js';
export type { Mailbox } from './notifications/email-address.js';
export { isEmailAddress, parseMailbox } from './notifications/email-address.js';
export { MissingPeerDependencyError, isMissingPeerDependencyError } from './shared/peer-dependency.js';
export { silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export { checkPatient, documentFieldsOf } from './patients/check-patient.js';
export type { DocumentFields, PatientRecord } from './patients/check-patient.js';
export { compareNames, nameParts } from './patients/patient-names.js';
export type { Comparison, NameParts } from './patients/patient-names.js';
export { isoDate, mrnKey, nhsDigits, validNhsDigits } from './patients/patient-values.js';
export { PatientLookupError } from './engine/patient-guard.js';
export type { PatientQuery, ResolvePatient } from './engine/patient-guard.js';
