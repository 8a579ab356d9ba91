// Apart from the middleware, so that the public types need no Express types.

/** Pages on other origins that may call the API from a browser (CORS). */
export interface CorsOptions {
  /**
   * The exact origins (`scheme://host[:port]`, no path) whose pages may call the API.
   * Never a wildcard: every portal is listed.
   * @example ['https://portal.clinic.example', 'http://localhost:8080']
   */
  origins: readonly string[];
  /**
   * Let those pages send cookies with their requests (`credentials: 'include'`), for a
   * host whose `authenticate` reads a session cookie. Turns `checkOrigin` on.
   * @default false
   */
  credentials?: boolean;
  /**
   * Request headers the pages may send besides Authorization, Content-Type,
   * If-None-Match and Last-Event-ID: those a host adds with the SDK's `headers` option.
   * @default []
   * @example ['X-Clinic-Site']
   */
  allowHeaders?: readonly string[];
  /** How long a browser may keep a preflight's answer, in seconds. @default 600 */
  maxAgeSeconds?: number;
}

/** {@link CorsOptions} checked, with defaults filled in. */
export interface ResolvedCors {
  origins: ReadonlySet<string>;
  credentials: boolean;
  allowHeaders: readonly string[];
  maxAgeSeconds: number;
}

/** The methods of the API's routes. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'] as const;
/** Request headers the SDK and the browser's EventSource send that need a grant. */
export const CORS_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-None-Match',
  'Last-Event-ID',
  // The resumable route (tus 1.0).
  'Tus-Resumable',
  'Upload-Length',
  'Upload-Offset',
  'Upload-Metadata',
  'Upload-Defer-Length',
  'Upload-Concat',
  'X-HTTP-Method-Override',
] as const;
/** Answer headers the SDK reads (beyond those every page may read). */
export const CORS_EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Retry-After',
  'RateLimit',
  'RateLimit-Policy',
  'WWW-Authenticate',
  // The resumable route (tus 1.0).
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Upload-Offset',
  'Upload-Length',
  'Upload-Metadata',
  'Upload-Expires',
  'Upload-File-Id',
] as const;

/** Checks CORS options, naming the one that cannot work. */
export function resolveCors(options: CorsOptions): ResolvedCors {
  if (!Array.isArray(options.origins)) throw new TypeError('createBatchRouter: "cors.origins" must be a list of origins, e.g. ["https://portal.example"].');
  for (const origin of options.origins) {
    if (origin === '*' || origin.includes('*')) {
      throw new RangeError('createBatchRouter: "cors.origins" takes exact origins, never a wildcard: list every portal, e.g. "https://portal.example".');
    }
    if (!isOrigin(origin)) {
      throw new RangeError(
        `createBatchRouter: "cors.origins": "${origin}" is not an origin; give scheme://host[:port] with no path, e.g. "https://portal.example".`,
      );
    }
  }
  const maxAgeSeconds = options.maxAgeSeconds ?? 600;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 0)
    throw new RangeError('createBatchRouter: "cors.maxAgeSeconds" must be a whole number of seconds ≥ 0.');
  const allowHeaders = options.allowHeaders ?? [];
  if (allowHeaders.some((name) => !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))) {
    throw new RangeError('createBatchRouter: "cors.allowHeaders" must be header names, e.g. ["X-Clinic-Site"].');
  }
  return { origins: new Set(options.origins), credentials: options.credentials === true, allowHeaders, maxAgeSeconds };
}

/** True for `scheme://host[:port]` exactly as a browser sends it in `Origin` (http or https). */
export function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text && !text.includes('*');
  } catch {
    return false;
  }
}
