import type { RequestHandler } from 'express';
import { ApiError } from './api-error.js';

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
export const CORS_METHODS = ['GET', 'HEAD', 'POST'] as const;
/** Request headers the SDK and the browser's EventSource send that need a grant. */
export const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'If-None-Match', 'Last-Event-ID'] as const;
/** Answer headers the SDK reads (beyond those every page may read). */
export const CORS_EXPOSED_HEADERS = ['ETag', 'Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'WWW-Authenticate'] as const;

/** Checks CORS options, naming the one that cannot work. */
export function resolveCors(options: CorsOptions): ResolvedCors {
  if (!Array.isArray(options.origins)) throw new TypeError('createBatchRouter: "cors.origins" must be a list of origins, e.g. ["https://portal.example"].');
  for (const origin of options.origins) {
    if (origin === '*' || origin.includes('*')) {
      throw new RangeError('createBatchRouter: "cors.origins" takes exact origins, never a wildcard: list every portal, e.g. "https://portal.example".');
    }
    if (!isOrigin(origin)) {
      throw new RangeError(`createBatchRouter: "cors.origins": "${origin}" is not an origin; give scheme://host[:port] with no path, e.g. "https://portal.example".`);
    }
  }
  const maxAgeSeconds = options.maxAgeSeconds ?? 600;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 0) throw new RangeError('createBatchRouter: "cors.maxAgeSeconds" must be a whole number of seconds ≥ 0.');
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

/**
 * CORS for the listed origins, run before authentication and the rate limiter: a
 * browser's preflight carries no credentials, so it is answered here (204 with the
 * grants, or 403 `FORBIDDEN_ORIGIN` for an origin not listed). Other requests of a
 * listed origin get `Access-Control-Allow-Origin` (its own origin, never `*`), the
 * headers the SDK reads, and with `credentials` `Access-Control-Allow-Credentials`;
 * an origin not listed gets no grant at all. Every answer says `Vary: Origin`, so no
 * cache hands one origin's answer to another.
 */
export function corsGrants(cors: ResolvedCors): RequestHandler {
  const allowHeaders = [...CORS_REQUEST_HEADERS, ...cors.allowHeaders].join(', ');
  const exposed = CORS_EXPOSED_HEADERS.join(', ');
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const listed = origin !== undefined && cors.origins.has(origin);
    if (listed) {
      res.set('Access-Control-Allow-Origin', origin);
      if (cors.credentials) res.set('Access-Control-Allow-Credentials', 'true');
    }
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.get('access-control-request-method') !== undefined;
    if (!preflight) {
      if (listed) res.set('Access-Control-Expose-Headers', exposed);
      next();
      return;
    }
    if (!listed) {
      next(new ApiError('FORBIDDEN_ORIGIN', { details: { origin } }));
      return;
    }
    res.set({
      'Access-Control-Allow-Methods': CORS_METHODS.join(', '),
      'Access-Control-Allow-Headers': allowHeaders,
      'Access-Control-Max-Age': String(cors.maxAgeSeconds),
    });
    res.status(204).end();
  };
}
