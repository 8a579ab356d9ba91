import type { RequestHandler } from 'express';
import { ApiError } from './api-error.js';
import { CORS_EXPOSED_HEADERS, CORS_METHODS, CORS_REQUEST_HEADERS, type ResolvedCors } from './cors-options.js';

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
