import type { RequestHandler } from 'express';
import { rateLimit, type Store as RateLimitStore } from 'express-rate-limit';
import { ApiError } from './api-error.js';
import type { UploadRateLimit } from './upload-rate-limit-options.js';

/**
 * express-rate-limit keyed by the caller's workspace (authentication has run before),
 * answering 429 RATE_LIMITED through the API's error envelope, with `Retry-After` and
 * the `RateLimit` headers (IETF draft 8). Every upload, append and retry request counts,
 * accepted or not, so a client sending bad requests (or retrying timeouts) in a loop is
 * slowed down too.
 */
export function uploadRateLimit(options: UploadRateLimit): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  return rateLimit({
    windowMs,
    limit: options.limit,
    keyGenerator: (_req, res) => `workspace:${(res.locals.caller as { workspace_id: string }).workspace_id}`,
    standardHeaders: 'draft-8',
    identifier: 'uploads',
    legacyHeaders: false,
    // The host's store is an express-rate-limit store; its type is described apart (see RateLimitStore).
    ...(options.store ? { store: options.store as RateLimitStore } : {}),
    // The key is the workspace, never the address: the checks about proxies and IPs do not apply.
    validate: { ip: false, trustProxy: false, xForwardedForHeader: false },
    handler: (_req, res, next) => {
      const seconds = Number(res.getHeader('Retry-After')) || Math.ceil(windowMs / 1000);
      next(new ApiError('RATE_LIMITED', { details: { retry_after_seconds: seconds } }));
    },
  });
}
