/** What a request for an auth token may return: a token, or nothing for anonymous calls. */
export type AuthToken = string | null | undefined;

/** How live batch updates are received. */
export type LiveMode = 'auto' | 'sse' | 'polling';

/** How uploads are sent. `xhr` reports upload progress in browsers; `fetch` streams in Node. */
export type UploadTransportKind = 'auto' | 'xhr' | 'fetch';

/** When files go through the server's resumable (tus) route: see `BatchClientOptions.resumable`. */
export type ResumableMode = 'auto' | 'always' | 'never';

/** Options of {@link BatchClient}; only `endpoint` is required. */
export interface BatchClientOptions {
  /**
   * Base URL of the batch API, where the router is mounted.
   * @example 'http://localhost:3000/api/gp'
   */
  endpoint: string | URL;
  /** Extra headers sent with every request. @default {} */
  headers?: Record<string, string>;
  /**
   * Called before every request; a returned token is sent as `Authorization: Bearer <token>`.
   * Called again each time, so a host can refresh tokens.
   * @example async () => (await auth.session()).accessToken
   */
  getAuthToken?: () => AuthToken | Promise<AuthToken>;
  /**
   * Whether browsers send cookies with requests (fetch's `credentials`; XMLHttpRequest
   * and live events follow it): `include` for a portal on another origin whose server
   * authenticates by session cookie (the server must allow credentials for the page's
   * origin). XMLHttpRequest cannot `omit` cookies on requests to its own origin.
   * @default 'same-origin'
   * @example 'include'
   */
  credentials?: RequestCredentials;
  /** A `fetch` to use instead of the global one (tests, SSR frameworks, proxies). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds to wait for an answer to a JSON call (not an upload); `false` waits forever. @default 30000 */
  timeout?: number | false;
  /** Retries of idempotent calls (GET) after a network error or a 408/429/5xx answer. Uploads and cancels are never retried. @default 2 */
  retry?: number;
  /** Milliseconds an upload may take from start to answer; `false` waits forever. @default false */
  uploadTimeout?: number | false;
  /**
   * Most files in one request of `uploadBatch` (and of sessions): a larger batch is sent
   * in several requests, each retried alone. @default 10
   */
  uploadPartFiles?: number;
  /** Most bytes in one request of `uploadBatch`; a larger file goes alone. @default 16777216 (16 MiB) */
  uploadPartBytes?: number;
  /**
   * Milliseconds an upload request may go without a byte leaving before it counts as
   * stalled: it is aborted and, as a transient failure, sent again (see `uploadRetries`).
   * A tus PATCH that goes quiet goes on from the server's offset instead (see
   * `resumableRetryDelays`). `false` never gives up on a silent request. @default 30000
   */
  stallTimeoutMs?: number | false;
  /** Retries of one request of `uploadBatch` after a transient failure (network, stall, 429, 5xx), with backoff. @default 3 */
  uploadRetries?: number;
  /** Upload transport: `auto` picks XMLHttpRequest where it exists (browsers) and streaming fetch elsewhere. @default 'auto' */
  uploadTransport?: UploadTransportKind;
  /**
   * Resumable uploads (tus 1.0) in `uploadBatch` and sessions, when the server offers them
   * (`GET /limits` has `resumable`): `auto` sends files of `resumableThreshold` bytes or
   * more through tus, so that a cut connection costs at most one chunk again; `always`
   * sends every file that way, `never` none. Other files, and every file on a server
   * without tus, go in multipart requests. @default 'auto'
   */
  resumable?: ResumableMode;
  /** Smallest file, in bytes, that `resumable: 'auto'` sends through tus. @default 8388608 (8 MiB) */
  resumableThreshold?: number;
  /** Bytes per tus PATCH request; the server's advice (`limits.resumable.chunk_size`) when omitted. */
  resumableChunkSize?: number;
  /**
   * Milliseconds to wait before each new try of a tus request that failed (network, 5xx);
   * the upload then goes on from the offset the server holds. @default [500, 1000, 2000, 4000, 8000, 15000]
   */
  resumableRetryDelays?: readonly number[];
  /** Live updates: `auto` tries Server-Sent Events and falls back to polling. @default 'auto' */
  liveMode?: LiveMode;
  /** Milliseconds between status polls when Server-Sent Events are unavailable. @default 2000 */
  pollIntervalMs?: number;
  /** Milliseconds without any event or heartbeat after which the live stream counts as dead and polling takes over. @default 45000 */
  sseIdleTimeoutMs?: number;
}

/** Options after defaults were applied and values checked. */
export interface ResolvedClientOptions extends Required<Omit<BatchClientOptions, 'getAuthToken' | 'fetch' | 'endpoint' | 'resumableChunkSize'>> {
  endpoint: string;
  resumableChunkSize: number | undefined;
  getAuthToken: (() => AuthToken | Promise<AuthToken>) | undefined;
  fetch: typeof globalThis.fetch | undefined;
}

/** The defaults of every optional {@link BatchClientOptions} field. */
export const CLIENT_DEFAULTS = Object.freeze({
  headers: {},
  timeout: 30_000,
  retry: 2,
  uploadTimeout: false,
  uploadPartFiles: 10,
  uploadPartBytes: 16 * 1024 * 1024,
  stallTimeoutMs: 30_000,
  uploadRetries: 3,
  uploadTransport: 'auto',
  liveMode: 'auto',
  pollIntervalMs: 2_000,
  sseIdleTimeoutMs: 45_000,
  credentials: 'same-origin',
  resumable: 'auto',
  resumableThreshold: 8 * 1024 * 1024,
  resumableRetryDelays: [500, 1_000, 2_000, 4_000, 8_000, 15_000],
} as const satisfies Omit<ResolvedClientOptions, 'endpoint' | 'getAuthToken' | 'fetch' | 'resumableChunkSize'>);

/** Applies defaults and rejects values that cannot work, with a message that says what to pass. */
export function resolveClientOptions(options: BatchClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('BatchClient: pass an options object with an `endpoint`.');
  let url: URL;
  try {
    url = new URL(String(options.endpoint), typeof location === 'undefined' ? undefined : location.href);
  } catch {
    throw new TypeError('BatchClient: `endpoint` must be the URL of the batch API, e.g. "http://localhost:3000/api/gp".');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('BatchClient: `endpoint` must be an http: or https: URL.');
  }
  const resolved: ResolvedClientOptions = {
    ...CLIENT_DEFAULTS,
    ...withoutUndefined(options),
    // One trailing slash, so paths can be appended without doubling or dropping one.
    endpoint: url.href.replace(/\/+$/, '') + '/',
    headers: { ...(options.headers ?? {}) },
    getAuthToken: options.getAuthToken,
    fetch: options.fetch,
    resumableChunkSize: options.resumableChunkSize,
  };
  positive('timeout', resolved.timeout);
  positive('uploadTimeout', resolved.uploadTimeout);
  positive('stallTimeoutMs', resolved.stallTimeoutMs);
  positive('pollIntervalMs', resolved.pollIntervalMs);
  positive('sseIdleTimeoutMs', resolved.sseIdleTimeoutMs);
  count('retry', resolved.retry, 0);
  count('uploadRetries', resolved.uploadRetries, 0);
  count('uploadPartFiles', resolved.uploadPartFiles, 1);
  count('uploadPartBytes', resolved.uploadPartBytes, 1);
  if (!['auto', 'xhr', 'fetch'].includes(resolved.uploadTransport)) throw new TypeError("BatchClient: `uploadTransport` must be 'auto', 'xhr' or 'fetch'.");
  if (!['omit', 'same-origin', 'include'].includes(resolved.credentials))
    throw new TypeError("BatchClient: `credentials` must be 'omit', 'same-origin' or 'include'.");
  count('resumableThreshold', resolved.resumableThreshold, 0);
  if (resolved.resumableChunkSize !== undefined) count('resumableChunkSize', resolved.resumableChunkSize, 1);
  if (!['auto', 'always', 'never'].includes(resolved.resumable)) throw new TypeError("BatchClient: `resumable` must be 'auto', 'always' or 'never'.");
  if (!Array.isArray(resolved.resumableRetryDelays) || !resolved.resumableRetryDelays.every((ms) => Number.isFinite(ms) && ms >= 0)) {
    throw new TypeError('BatchClient: `resumableRetryDelays` must be a list of milliseconds ≥ 0, e.g. [500, 1000, 2000].');
  }
  if (!['auto', 'sse', 'polling'].includes(resolved.liveMode)) throw new TypeError("BatchClient: `liveMode` must be 'auto', 'sse' or 'polling'.");
  return resolved;
}

const MAY_BE_FALSE = ['timeout', 'uploadTimeout', 'stallTimeoutMs'];

function positive(name: string, value: number | false): void {
  if (value !== false && (!Number.isFinite(value) || value <= 0)) {
    throw new TypeError(`BatchClient: \`${name}\` must be a number of milliseconds > 0${MAY_BE_FALSE.includes(name) ? ' or false' : ''}.`);
  }
}

function count(name: string, value: number, least: number): void {
  if (!Number.isInteger(value) || value < least) throw new TypeError(`BatchClient: \`${name}\` must be a whole number ≥ ${least}.`);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
