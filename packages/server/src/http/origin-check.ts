import type { Request, RequestHandler } from 'express';
import { ApiError } from './api-error.js';

/** Methods that change nothing, which the check lets through. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Protection against cross-site request forgery for hosts whose callers authenticate
 * with cookies: a browser sends a cookie with a request that any page made (a form
 * posted from another site, a `fetch` with `credentials: 'include'`), so a request
 * that changes something (upload, cancel, retry…) must come from this origin or a
 * listed one. It answers 403 `FORBIDDEN_ORIGIN` otherwise, before authentication.
 *
 * What the browser says decides: `Sec-Fetch-Site` when it is sent (every current
 * browser): `same-origin` (and `none`, a request the user made) pass, other values
 * only with a listed `Origin`. Without it, an `Origin` passes when listed or when its
 * host is the request's `Host`. A request with neither header comes from no browser,
 * or one too old to say; it passes unless it carries a cookie. Tokens in the
 * Authorization header are never sent by a browser on its own, so they are not at risk.
 */
export function originCheck(allowed: ReadonlySet<string>): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || fromAllowedPage(req, allowed)) {
      next();
      return;
    }
    next(new ApiError('FORBIDDEN_ORIGIN', { details: { origin: req.get('origin') ?? null } }));
  };
}

function fromAllowedPage(req: Request, allowed: ReadonlySet<string>): boolean {
  const origin = req.get('origin');
  if (origin !== undefined && allowed.has(origin)) return true;
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  if (origin !== undefined) return hostOf(origin) === req.get('host')?.toLowerCase();
  return req.get('cookie') === undefined;
}

/** `host[:port]` of an origin as a `Host` header gives it; null for `null` or garbage. */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
