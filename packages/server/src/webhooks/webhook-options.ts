import { WEBHOOK_EVENTS, type WebhookEventType } from '@batch-uploader/protocol';

/** Where and how the engine delivers webhook events. */
export interface WebhookOptions {
  /** The receiver: events are POSTed here as JSON. @example 'https://ehr.example/hooks/batch-uploader' */
  url: string;
  /** Key of the HMAC-SHA256 signature; share it with the receiver only. At least 16 characters. */
  secret: string;
  /** Events to send. @default ['batch.completed', 'file.failed', 'file.needs_review'] */
  events?: WebhookEventType[];
  /** How long one delivery attempt may take before it counts as failed. @default 10000 */
  timeoutMs?: number;
  /** Attempts of one event before it is given up (kept in the outbox as dead). @default 10 */
  maxAttempts?: number;
  /** Delays between attempts: exponential from `baseMs`, capped at `maxMs`, jittered. @default { baseMs: 1000, maxMs: 900000 } */
  backoff?: { baseMs: number; maxMs: number };
  /** How often an idle dispatcher looks for due events (retries, events of other processes). @default 1000 */
  pollIntervalMs?: number;
  /** Extra headers sent with every delivery (e.g. an API key of the receiver). @default {} */
  headers?: Record<string, string>;
}

const KNOWN_EVENTS: readonly string[] = Object.values(WEBHOOK_EVENTS);

/** Defaults of {@link WebhookOptions}. */
export const WEBHOOK_DEFAULTS = Object.freeze({
  events: Object.freeze(['batch.completed', 'file.failed', 'file.needs_review'] as WebhookEventType[]),
  timeoutMs: 10_000,
  maxAttempts: 10,
  backoff: Object.freeze({ baseMs: 1_000, maxMs: 15 * 60_000 }),
  pollIntervalMs: 1_000,
});

/** Webhook options with every default filled in. */
export type ResolvedWebhookOptions = Required<WebhookOptions>;

/** Fills defaults and rejects options that cannot work, naming the option. */
export function resolveWebhookOptions(options: WebhookOptions): ResolvedWebhookOptions {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError('BatchEngine: "webhooks.url" must be an absolute http(s) URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('BatchEngine: "webhooks.url" must be an http(s) URL.');
  if (typeof options.secret !== 'string' || options.secret.length < 16) {
    throw new TypeError('BatchEngine: "webhooks.secret" must be a string of at least 16 characters.');
  }
  const resolved: ResolvedWebhookOptions = {
    url: url.href,
    secret: options.secret,
    events: [...(options.events ?? WEBHOOK_DEFAULTS.events)],
    timeoutMs: options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs,
    maxAttempts: options.maxAttempts ?? WEBHOOK_DEFAULTS.maxAttempts,
    backoff: { ...WEBHOOK_DEFAULTS.backoff, ...options.backoff },
    pollIntervalMs: options.pollIntervalMs ?? WEBHOOK_DEFAULTS.pollIntervalMs,
    headers: { ...options.headers },
  };
  for (const [name, value] of [
    ['timeoutMs', resolved.timeoutMs],
    ['maxAttempts', resolved.maxAttempts],
    ['backoff.baseMs', resolved.backoff.baseMs],
    ['backoff.maxMs', resolved.backoff.maxMs],
    ['pollIntervalMs', resolved.pollIntervalMs],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`BatchEngine: "webhooks.${name}" must be a positive number, got ${String(value)}.`);
  }
  for (const type of resolved.events) {
    if (!KNOWN_EVENTS.includes(type)) {
      throw new RangeError(`BatchEngine: "webhooks.events" may hold ${KNOWN_EVENTS.map((known) => `"${known}"`).join(', ')}, not ${JSON.stringify(type)}.`);
    }
  }
  return resolved;
}
