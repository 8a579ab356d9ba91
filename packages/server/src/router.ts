import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { ApiError } from './http/api-error.js';
import { asyncSafeRouter } from './http/async-safe-router.js';
import { corsGrants } from './http/cors.js';
import { originCheck } from './http/origin-check.js';
import { analyticsHandler } from './handlers/analytics-handler.js';
import { batchesHandler } from './handlers/batches-handler.js';
import { resumableUploads } from './http/resumable-uploads.js';
import { appendHandler } from './handlers/append-handler.js';
import { errorMiddleware, notFound } from './http/error-middleware.js';
import { jsonBody } from './http/json-body.js';
import { prepareQuarantine } from './http/quarantine-folder.js';
import { uploadRateLimit } from './http/upload-rate-limit.js';
import { cancelHandler } from './handlers/cancel-handler.js';
import { closeHandler } from './handlers/close-handler.js';
import { eventsHandler } from './handlers/events-handler.js';
import { historyHandler } from './handlers/history-handler.js';
import { limitsHandler } from './handlers/limits-handler.js';
import { pauseHandler, resumeHandler } from './handlers/pause-handler.js';
import { retryHandler } from './handlers/retry-handler.js';
import { reviewHandler } from './handlers/review-handler.js';
import { statusHandler } from './handlers/status-handler.js';
import { uploadHandler } from './handlers/upload-handler.js';
import { resolveRouterOptions, type AuthenticateRequest, type BatchRouterOptions } from './router-options.js';

/**
 * What {@link createBatchRouter} returns: an Express router, typed as the middleware it
 * is to its host (`app.use(prefix, router)` on Express 4 or 5), so that the published
 * types need no `@types/express`.
 */
export interface BatchRouter {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
}

/**
 * The batch API as an Express router, to mount under a prefix of the host's choosing:
 * `app.use('/api/gp', createBatchRouter({ engine, authenticate, uploadDir }))`.
 * Every route runs `authenticate` first and sees only the caller's workspace.
 */
export function createBatchRouter<Req extends AuthenticateRequest = AuthenticateRequest>(options: BatchRouterOptions<Req>): BatchRouter {
  const resolved = resolveRouterOptions(options);
  const ready = prepareQuarantine(resolved.uploadDir);
  // Async middleware and handlers reach the error middleware on Express 4 too.
  const router = asyncSafeRouter();

  // Before authentication and the rate limiter: a browser's preflight carries no credentials.
  if (resolved.cors) router.use(corsGrants(resolved.cors));
  if (resolved.checkOrigin) router.use(originCheck(resolved.cors?.origins ?? new Set()));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(async (req, res, next) => {
    await ready;
    const caller = await resolved.authenticate({ req });
    if (!caller || typeof caller.workspace_id !== 'string' || caller.workspace_id === '') {
      throw new ApiError('UNAUTHORIZED');
    }
    res.locals.caller = caller;
    next();
  });

  // After authentication, so that uploads are counted per workspace; one counter for the
  // routes that queue files: uploads, appends, and retries (which queue failed files again).
  const limitUploads: RequestHandler[] = resolved.uploadRateLimit ? [uploadRateLimit(resolved.uploadRateLimit)] : [];

  router.get('/limits', limitsHandler(resolved));
  router.post('/batch-upload', ...limitUploads, uploadHandler(resolved));
  router.get('/batch-status/:batch_id', statusHandler(resolved));
  router.get('/batch-history', historyHandler(resolved));
  router.get('/batch-analytics', analyticsHandler(resolved));
  router.post('/batch/:batch_id/cancel', cancelHandler(resolved));
  router.post('/batch/:batch_id/pause', pauseHandler(resolved));
  router.post('/batch/:batch_id/resume', resumeHandler(resolved));
  router.post('/batch/:batch_id/retry', ...limitUploads, retryHandler(resolved));
  router.post('/batch/:batch_id/close', closeHandler(resolved));
  router.post('/batch/:batch_id/files', ...limitUploads, appendHandler(resolved));
  router.post('/batch/:batch_id/files/:file_id/review', ...jsonBody(4 * 1024), reviewHandler(resolved));
  router.get('/batch-events/:batch_id', eventsHandler(resolved));
  router.post('/batches', ...jsonBody(16 * 1024), batchesHandler(resolved));
  if (resolved.resumable) {
    // tus: POST creates an upload (counted like an append), HEAD tells its offset, PATCH sends bytes, DELETE ends it.
    const tus = resumableUploads(resolved, resolved.resumable);
    router.post('/uploads', ...limitUploads, tus);
    for (const method of ['head', 'patch', 'delete'] as const) router[method]('/uploads/:upload_id', tus);
  }

  router.use(notFound);
  router.use(errorMiddleware(resolved.logger));
  // Express turns the IncomingMessage it is given into its Request before the router runs.
  return router as unknown as BatchRouter;
}
