import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError } from './api-error.js';
import { serverFault } from './server-faults.js';
import { answerToRefusal } from './engine-refusals.js';
import { isEngineError } from '../engine/engine-error.js';
import { errorFields, type Logger } from '../logger.js';

/** Seconds a client is told to wait when the store cannot be reached (503 UNAVAILABLE). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Answers every route the router does not know with the error envelope. */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(new ApiError('NOT_FOUND'));
};

/**
 * The one place errors become responses. Client errors answer with their code. A full
 * disk answers 507 INSUFFICIENT_STORAGE and an unreachable or locked store 503
 * UNAVAILABLE with `Retry-After`: the server's fault, worth trying later. The rest
 * answer 500 with a generic message. Every 5xx is logged by class and code only.
 */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const apiError = toApiError(error);
    // A feature this server does not offer is how it was set up, not a fault.
    if (apiError.status >= 500 && apiError.code !== 'NOT_SUPPORTED') {
      logger.error({ method: req.method, route: req.route?.path, ...errorFields(error), ...causeFields(error), status: apiError.status }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (apiError.code === 'UNAUTHORIZED') res.set('WWW-Authenticate', 'Bearer');
    if (apiError.code === 'UNAVAILABLE') res.set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    res.status(apiError.status).json(apiError.toJSON());
  };
}

/** The API error an exception answers with: its own, an engine refusal's, a server fault's, or INTERNAL. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  // An operation the engine refused (no such batch, not open, …) is the caller's to fix.
  if (isEngineError(error)) return answerToRefusal(error);
  switch (serverFault(error)) {
    case 'out_of_space':
      return new ApiError('INSUFFICIENT_STORAGE', { cause: error });
    case 'unavailable':
      return new ApiError('UNAVAILABLE', { cause: error, details: { retry_after_seconds: UNAVAILABLE_RETRY_AFTER_SECONDS } });
  }
  const { status, type, limit } = (error ?? {}) as { status?: unknown; type?: unknown; limit?: unknown };
  // Body parsers (ours for JSON bodies, or the host app's) raise 4xx errors with `status`; keep them client errors.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (type === 'entity.too.large' && typeof limit === 'number') {
      return new ApiError('BAD_REQUEST', {
        message: `The request body is too large: this route takes at most ${limit} bytes.`,
        details: { limit_bytes: limit },
      });
    }
    if (status === 413) return new ApiError('BAD_REQUEST', { message: 'The request body is larger than the server accepts.' });
    return new ApiError('BAD_REQUEST');
  }
  return new ApiError('INTERNAL');
}

// The code of a wrapped error (a disk error under QuarantineWriteError), for the log.
function causeFields(error: unknown): { cause_code?: string } {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { cause_code: code } : {};
}
