import type { RequestHandler } from 'express';
import { parseBatchId } from '../http/batch-id.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { answerWithBatch } from './batch-answer.js';
import { callerOf } from './context.js';

/**
 * `POST /batch/:batch_id/pause`: the batch's pending files wait (files already being
 * processed finish); the status shows `paused`. Pausing a paused batch is fine. The
 * pause is stored, so it outlives a restart. 409 when the batch finished or was cancelled.
 */
export function pauseHandler({ engine, logger }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { workspace_id } = callerOf(res);
    const found = await engine.pauseBatch(workspace_id, batchId);
    logger.info({ batch_id: batchId }, 'batch paused');
    answerWithBatch(res, found);
  };
}

/**
 * `POST /batch/:batch_id/resume`: a paused batch's files are processed again; resuming
 * a batch that is not paused is fine. 409 when the batch finished or was cancelled.
 */
export function resumeHandler({ engine, logger }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { workspace_id } = callerOf(res);
    const found = await engine.resumeBatch(workspace_id, batchId);
    logger.info({ batch_id: batchId }, 'batch resumed');
    answerWithBatch(res, found);
  };
}
