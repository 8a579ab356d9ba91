import type { BlobStore } from '../store/blob-store.js';
import { missingRoles, type Store } from '../store/store.js';
import type { Processor } from '../processors/processor.js';
import { silentLogger, type Logger } from '../logger.js';
import { resolveWebhookOptions, type ResolvedWebhookOptions, type WebhookOptions } from '../webhooks/webhook-options.js';
import { resolveEmailOptions, type EmailOptions, type ResolvedEmailOptions } from '../notifications/email-options.js';
import type { ResolvePatient } from './patient-guard.js';

/** Options of {@link BatchEngine}. */
export interface BatchEngineOptions {
  /**
   * Records of batches and files; the file records are the queue. The store's optional
   * `outbox` is needed for `webhooks`; without its optional `analytics` the analytics
   * route answers `NOT_SUPPORTED`.
   */
  store: Store;
  /** Where file bytes are kept. */
  blobs: BlobStore;
  /** What is done with each file. */
  processor: Processor;
  /**
   * Files processed at once by this process. `0` processes none: an API-only instance
   * (a separate processing tier shares the store) starts no workers; it still records
   * commands, publishes changes, and runs every sweep (expired leases and repairs,
   * retention, hold release) and webhook/email delivery.
   * @default 3
   */
  concurrency?: number;
  /**
   * How long a claim holds a file before another worker may take it over. Renewed
   * every third of it while the work goes on; a crashed worker's files run again after it.
   * @default 15000
   */
  leaseMs?: number;
  /** Claims of one file before it fails for good (crashes and transient errors alike). @default 3 */
  maxAttempts?: number;
  /** Retry delays after a transient error: exponential from `baseMs`, capped at `maxMs`, jittered. @default { baseMs: 1000, maxMs: 60000 } */
  backoff?: { baseMs: number; maxMs: number };
  /** Longest time one processing run may take before it is aborted and the file fails. @default 120000 */
  processingTimeoutMs?: number;
  /**
   * How long a batch uploaded or appended to with "more files to come" stays held open
   * for the next part, counted from its last upload request. A hold that runs out (an
   * upload abandoned half way) is released by a periodic sweep, and the batch finishes
   * with the files it has.
   * @default 600000 (10 min)
   */
  appendHoldMs?: number;
  /** Simulated extra time per file, for demos. @default 0 */
  processingDelayMs?: number;
  /** How often idle workers look for work that another process queued. @default 1000 */
  pollIntervalMs?: number;
  /** How long `close()` lets running files finish before interrupting them. @default 10000 */
  shutdownGraceMs?: number;
  /** Retention of file bytes and batch records. */
  retention?: {
    /** Bytes are removed this long after their batch finished. @default 86400000 (24 h) */
    blobsAfterMs?: number;
    /** Batch records are removed this long after they finished; null keeps them. @default null */
    batchesAfterMs?: number | null;
    /** How often retention runs. @default 600000 (10 min) */
    sweepIntervalMs?: number;
  };
  /**
   * Webhooks: `batch.completed`, `file.failed` and `file.needs_review` events POSTed to `url`, signed with
   * `secret`, retried with backoff, kept in the store's outbox so a restart loses none.
   * The store must have an `outbox`.
   * @default null (no webhooks)
   * @example { url: 'https://ehr.example/hooks/batches', secret: process.env.WEBHOOK_SECRET }
   */
  webhooks?: WebhookOptions | null;
  /**
   * Email: one plain-text message per finished batch (completed, with failures, or
   * cancelled) to the workspace's recipients over SMTP, with its outcome, counts, failure
   * reasons by code, ids and times — never filenames, patient, template or encounter ids,
   * or document content. Kept in the store's outbox like webhooks (retried with backoff,
   * sent after a restart, once per finish across processes). The store must have an
   * `outbox`. nodemailer is loaded only when this is set.
   * @default null (no email)
   * @example { smtpUrl: 'smtps://user:pass@smtp.clinic.example', from: 'noreply@clinic.example', recipients: ({ workspace_id }) => managers.get(workspace_id) ?? [] }
   */
  email?: EmailOptions | null;
  /**
   * The wrong-patient guard: looks up a batch's patient (`patient_id` of the upload) in
   * the host's records, so that the fields a processor read from each document
   * (`result.document.fields`: `patient_name`, `date_of_birth`, `nhs_number`, `mrn`) can be
   * compared with them (see `checkPatient`). Each completed file whose result is an object
   * then gets `result.patient_check` (without this option, only results that carry
   * `document` get it, `not_checked`; other results are kept as the processor answered); a document naming another patient completes with
   * `needs_review` and the reason `PATIENT_MISMATCH`, a `file.needs_review` webhook event,
   * and waits for staff to confirm or reject it. Sync or async; null when the patient is
   * not known (the file is `not_checked`). Called in this process only, with the file
   * run's signal; a throw, a rejection or no answer within `resolvePatientTimeoutMs`
   * makes the attempt transient (tried again, up to `maxAttempts`). What it returns is
   * never logged.
   * @default null (no check: every file `not_checked`)
   * @example ({ workspace_id, patient_id }) => registry.get(`${workspace_id}/${patient_id}`) ?? null
   */
  resolvePatient?: ResolvePatient | null;
  /** Longest wait for `resolvePatient`. @default 10000 */
  resolvePatientTimeoutMs?: number;
  /** Identifies this process in leases. @default a random id */
  instanceId?: string;
  /** Where the engine logs (ids and counts only). @default silent */
  logger?: Logger;
}

/** Defaults of {@link BatchEngineOptions}. */
export const ENGINE_DEFAULTS = Object.freeze({
  concurrency: 3,
  leaseMs: 15_000,
  maxAttempts: 3,
  backoff: Object.freeze({ baseMs: 1_000, maxMs: 60_000 }),
  processingTimeoutMs: 120_000,
  appendHoldMs: 600_000,
  processingDelayMs: 0,
  pollIntervalMs: 1_000,
  shutdownGraceMs: 10_000,
  resolvePatientTimeoutMs: 10_000,
  retention: Object.freeze({ blobsAfterMs: 24 * 3_600_000, batchesAfterMs: null as number | null, sweepIntervalMs: 600_000 }),
});

/** Options with every default filled in. */
export type ResolvedEngineOptions = Required<Omit<BatchEngineOptions, 'retention' | 'backoff' | 'webhooks' | 'email' | 'resolvePatient'>> & {
  resolvePatient: ResolvePatient | null;
  backoff: { baseMs: number; maxMs: number };
  webhooks: ResolvedWebhookOptions | null;
  email: ResolvedEmailOptions | null;
  retention: { blobsAfterMs: number; batchesAfterMs: number | null; sweepIntervalMs: number };
};

/** Fills defaults and rejects values that cannot work, saying which option is wrong. */
export function resolveEngineOptions(options: BatchEngineOptions, makeId: () => string): ResolvedEngineOptions {
  for (const key of ['store', 'blobs', 'processor'] as const) {
    if (!options[key]) throw new TypeError(`BatchEngine: the "${key}" option is required.`);
  }
  const missing = missingRoles(options.store);
  if (missing.length > 0) {
    throw new TypeError(
      `BatchEngine: the "store" option lacks the ${missing.map((role) => `"${role}"`).join(', ')} role${missing.length > 1 ? 's' : ''} (a store offers records, control, queue and retention; see Store).`,
    );
  }
  if (options.webhooks && !options.store.outbox) {
    throw new TypeError('BatchEngine: "webhooks" needs a store with an outbox (store.outbox), where events wait for delivery; this store has none.');
  }
  if (options.email && !options.store.outbox) {
    throw new TypeError('BatchEngine: "email" needs a store with an outbox (store.outbox), where emails wait for delivery; this store has none.');
  }
  const resolved: ResolvedEngineOptions = {
    store: options.store,
    blobs: options.blobs,
    processor: options.processor,
    concurrency: options.concurrency ?? ENGINE_DEFAULTS.concurrency,
    leaseMs: options.leaseMs ?? ENGINE_DEFAULTS.leaseMs,
    maxAttempts: options.maxAttempts ?? ENGINE_DEFAULTS.maxAttempts,
    backoff: { ...ENGINE_DEFAULTS.backoff, ...options.backoff },
    processingTimeoutMs: options.processingTimeoutMs ?? ENGINE_DEFAULTS.processingTimeoutMs,
    appendHoldMs: options.appendHoldMs ?? ENGINE_DEFAULTS.appendHoldMs,
    processingDelayMs: options.processingDelayMs ?? ENGINE_DEFAULTS.processingDelayMs,
    pollIntervalMs: options.pollIntervalMs ?? ENGINE_DEFAULTS.pollIntervalMs,
    shutdownGraceMs: options.shutdownGraceMs ?? ENGINE_DEFAULTS.shutdownGraceMs,
    retention: { ...ENGINE_DEFAULTS.retention, ...options.retention },
    webhooks: options.webhooks ? resolveWebhookOptions(options.webhooks) : null,
    email: options.email ? resolveEmailOptions(options.email) : null,
    resolvePatient: options.resolvePatient ?? null,
    resolvePatientTimeoutMs: options.resolvePatientTimeoutMs ?? ENGINE_DEFAULTS.resolvePatientTimeoutMs,
    instanceId: options.instanceId ?? makeId(),
    logger: options.logger ?? silentLogger,
  };
  const positive: [string, number][] = [
    ['leaseMs', resolved.leaseMs],
    ['maxAttempts', resolved.maxAttempts],
    ['processingTimeoutMs', resolved.processingTimeoutMs],
    ['appendHoldMs', resolved.appendHoldMs],
    ['pollIntervalMs', resolved.pollIntervalMs],
    ['backoff.baseMs', resolved.backoff.baseMs],
    ['resolvePatientTimeoutMs', resolved.resolvePatientTimeoutMs],
    ['retention.sweepIntervalMs', resolved.retention.sweepIntervalMs],
  ];
  for (const [name, value] of positive) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`BatchEngine: "${name}" must be a positive number, got ${String(value)}.`);
    }
  }
  if (resolved.resolvePatient !== null && typeof resolved.resolvePatient !== 'function') {
    throw new TypeError('BatchEngine: "resolvePatient" must be a function ({ workspace_id, patient_id }) => patient | null.');
  }
  if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 0) {
    throw new RangeError(`BatchEngine: "concurrency" must be a whole number ≥ 0 (0 processes no files), got ${String(resolved.concurrency)}.`);
  }
  if (resolved.leaseMs < 100) throw new RangeError('BatchEngine: "leaseMs" must be at least 100 ms.');
  if (resolved.processingDelayMs < 0) throw new RangeError('BatchEngine: "processingDelayMs" cannot be negative.');
  if (resolved.retention.blobsAfterMs < 0) throw new RangeError('BatchEngine: "retention.blobsAfterMs" cannot be negative.');
  return resolved;
}
