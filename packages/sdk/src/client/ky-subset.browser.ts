/**
 * The part of ky's API that the client uses, on the browser's own fetch, for the
 * self-contained browser bundles only (`rollup.config.mjs` puts it in place of `ky`
 * there). ky is a quarter of the element bundle's 20 kB budget; this is a twentieth.
 * Node and bundler builds keep ky. The client's suites run on both
 * (`test/*-ky-subset.test.ts`): `prefixUrl`, `searchParams`, `headers`, `credentials`, a
 * `beforeRequest` hook on every attempt, `timeout` per attempt until the headers
 * (TimeoutError, never retried), `retry` of the listed methods after errors and the
 * listed statuses with ky's backoff (0.3 s doubling, up to `backoffLimit`) or the
 * server's `Retry-After`, `throwHttpErrors` (HTTPError), `Accept: application/json`
 * for `.json()`, a `json` body, and the caller's `signal` for the request and its body. Left out, as
 * the client does not use them: other hooks, other request bodies, `RateLimit-Reset` and
 * like headers, jitter, `shouldRetry`.
 */

export interface RetryOptions {
  limit?: number;
  methods?: string[];
  statusCodes?: number[];
  afterStatusCodes?: number[];
  backoffLimit?: number;
}

export interface Options {
  method?: string;
  prefixUrl?: string;
  headers?: Record<string, string>;
  searchParams?: Record<string, string>;
  timeout?: number | false;
  retry?: number | RetryOptions;
  fetch?: typeof globalThis.fetch;
  credentials?: RequestCredentials;
  hooks?: { beforeRequest?: Array<(request: Request) => unknown> };
  signal?: AbortSignal;
  throwHttpErrors?: boolean | ((status: number) => boolean);
  /** A body sent as JSON, with `Content-Type: application/json`, as with ky. */
  json?: unknown;
}

export interface ResponsePromise extends Promise<Response> {
  json<T>(): Promise<T>;
}

export interface KyInstance {
  (input: string, options?: Options): ResponsePromise;
  get(input: string, options?: Options): ResponsePromise;
  create(defaults: Options): KyInstance;
}

export class HTTPError extends Error {
  override readonly name = 'HTTPError';
  constructor(
    readonly response: Response,
    readonly request: Request,
  ) {
    super(`Request failed with status code ${response.status}: ${request.method} ${request.url}`);
  }
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly request: Request) {
    super(`Request timed out: ${request.method} ${request.url}`);
  }
}

const DEFAULT_RETRY: Required<RetryOptions> = {
  limit: 2,
  methods: ['get', 'put', 'head', 'delete', 'options', 'trace'],
  statusCodes: [408, 413, 429, 500, 502, 503, 504],
  afterStatusCodes: [413, 429, 503],
  backoffLimit: Infinity,
};

/** Longest wait a timer can hold; a longer `Retry-After` waits this long. */
const MAX_DELAY = 2 ** 31 - 1;

async function send(input: string, options: Options): Promise<Response> {
  const method = (options.method ?? 'get').toUpperCase();
  const retry = { ...DEFAULT_RETRY, ...(typeof options.retry === 'number' ? { limit: options.retry } : options.retry) };
  const retriable = (attempt: number) => attempt < retry.limit && retry.methods.includes(method.toLowerCase());
  const url = new URL(options.prefixUrl ? options.prefixUrl.replace(/\/?$/, '/') + input : input, globalThis.location?.href);
  for (const [name, value] of Object.entries(options.searchParams ?? {})) url.searchParams.set(name, value);
  const { signal, throwHttpErrors = true } = options;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    // The caller's signal stays tied to the request for its whole life, so aborting it
    // also ends a body still being read (a live stream), as with ky.
    const timeout = new AbortController();
    const request = new Request(url, {
      method,
      headers: options.json === undefined ? options.headers : { ...options.headers, 'content-type': 'application/json' },
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
    });
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let response: Response;
    try {
      for (const hook of options.hooks?.beforeRequest ?? []) await hook(request);
      // As with ky, the timeout is the wait for the answer's headers, after the hooks.
      if (options.timeout !== false) timer = setTimeout(() => ((timedOut = true), timeout.abort()), Math.min(options.timeout ?? 10_000, MAX_DELAY));
      response = await (options.fetch ?? fetch)(request);
    } catch (error) {
      if (timedOut) throw new TimeoutError(request);
      if (signal?.aborted || !retriable(attempt)) throw error;
      await wait(backoff(attempt, retry.backoffLimit), signal);
      continue;
    } finally {
      clearTimeout(timer);
    }
    if (response.ok || !(typeof throwHttpErrors === 'function' ? throwHttpErrors(response.status) : throwHttpErrors)) return response;
    const error = new HTTPError(response, request);
    if (!retriable(attempt) || !retry.statusCodes.includes(response.status)) throw error;
    void response.body?.cancel().catch(() => {});
    await wait(retryAfter(response, retry.afterStatusCodes) ?? backoff(attempt, retry.backoffLimit), signal);
  }
}

/** The server's `Retry-After` (seconds or a date) in milliseconds, for the statuses that carry it. */
function retryAfter(response: Response, statuses: number[]): number | undefined {
  const header = response.headers.get('Retry-After');
  if (!header || !statuses.includes(response.status)) return undefined;
  const seconds = Number(header);
  return Math.min(MAX_DELAY, Math.max(0, Number.isNaN(seconds) ? Date.parse(header) - Date.now() : seconds * 1000));
}

/** ky's backoff: 0.3 s, 0.6 s, 1.2 s, … at most `limit`. */
function backoff(attempt: number, limit: number): number {
  return Math.min(limit, 300 * 2 ** attempt);
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function create(defaults: Options): KyInstance {
  const call = (input: string, options: Options = {}): ResponsePromise => {
    const merged = { ...defaults, ...options, headers: { ...defaults.headers, ...options.headers } };
    // Sent a moment later, so that `.json()` called at once can still ask for JSON, as with ky.
    const promise = Promise.resolve().then(() => send(input, merged)) as ResponsePromise;
    promise.json = async <T>() => {
      if (!Object.keys(merged.headers).some((name) => name.toLowerCase() === 'accept')) merged.headers.accept = 'application/json';
      const response = await promise;
      const text = await response.text();
      return (text === '' ? '' : JSON.parse(text)) as T;
    };
    return promise;
  };
  return Object.assign(call, {
    get: (input: string, options?: Options) => call(input, { ...options, method: 'get' }),
    create: (more: Options) => create({ ...defaults, ...more }),
  });
}

const ky: KyInstance = create({});
export default ky;
