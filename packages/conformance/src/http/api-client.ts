/** One file of a multipart upload. */
export interface UploadPart {
  name: string;
  bytes: Blob;
}

/** Who a request is made as: the run's token (if any), nobody, or another bearer token. */
export type Caller = 'run' | 'anonymous' | { bearer: string };

/** Options of one request. */
export interface ApiRequestInit {
  headers?: Record<string, string>;
  /** A form, or JSON text (send `content-type: application/json` with it). */
  body?: FormData | string;
  caller?: Caller;
  /** Ends the request and its body; when given, the client's own time limit does not apply (event streams). */
  signal?: AbortSignal;
}

/** No answer came: the connection failed, was cut, or timed out. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** Waits before an upload answered 429 is sent again, at most this long. */
const MAX_RATE_LIMIT_WAIT_MS = 65_000;

/**
 * Sends the run's requests to the batch API under one base URL, with the bearer token
 * when the run has one. Nothing it sends or receives is logged.
 */
export class ApiClient {
  /** The base URL without a trailing slash, e.g. `http://localhost:3000/api/gp`. */
  readonly base: string;
  /** Uploads that were answered 429 and sent again after the server's Retry-After. */
  rateLimitedUploads = 0;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, token: string | undefined, requestTimeoutMs: number) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.#token = token;
    this.#timeoutMs = requestTimeoutMs;
  }

  /** Whether the run sends a bearer token. */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /** The absolute URL of a path under the base (`/batch-status/…`). */
  url(path: string): string {
    return this.base + path;
  }

  /** The absolute form of a URL the server gave (a `tracking_url` may be a path). */
  resolve(url: string): string {
    return new URL(url, `${this.base}/`).href;
  }

  /** Sends a request to a path under the base, or to an absolute URL. */
  async request(method: string, pathOrUrl: string, init: ApiRequestInit = {}): Promise<Response> {
    const url = /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : this.url(pathOrUrl);
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    const caller = init.caller ?? 'run';
    if (caller === 'run' && this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    else if (typeof caller === 'object') headers.authorization = `Bearer ${caller.bearer}`;
    try {
      return await fetch(url, {
        method,
        headers,
        ...(init.body ? { body: init.body } : {}),
        signal: init.signal ?? AbortSignal.timeout(this.#timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      throw new NetworkError(`${method} ${new URL(url).pathname}: ${networkReason(error, this.#timeoutMs)}`);
    }
  }

  /**
   * Posts a multipart upload (`files` and text fields). An answer 429 is sent again once
   * after the server's Retry-After, when that is at most a minute: the run makes a few
   * dozen uploads, which a rate limit of the workspace may count.
   */
  async upload(path: string, files: readonly UploadPart[], fields: Record<string, string> = {}, caller: Caller = 'run'): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const form = new FormData();
      for (const file of files) form.append('files', file.bytes, file.name);
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      const res = await this.request('POST', path, { body: form, caller });
      const wait = retryAfterMs(res);
      if (res.status !== 429 || attempt > 0 || wait === null || wait > MAX_RATE_LIMIT_WAIT_MS) return res;
      await res.body?.cancel();
      this.rateLimitedUploads++;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function retryAfterMs(res: Response): number | null {
  const value = res.headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value) * 1_000 + 250;
}

/** Why a request got no answer, in words and the system's code (never the URL's query or a header). */
function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return error.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : 'the request was stopped';
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return `no answer (${cause.code})`;
  if (typeof cause?.message === 'string') return `no answer (${cause.message})`;
  return `no answer (${error instanceof Error ? error.message : String(error)})`;
}
