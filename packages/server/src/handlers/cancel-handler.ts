import type { RequestHandler } from 'express';
import { parseBatchId } from '../http/batch-id.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { answerWithBatch } from './batch-answer.js';
import { callerOf } from './context.js';

/**
 * `POST /batch/:batch_id/cancel`: pending files become cancelled; files already being
 * processed finish. Answers the batch as it now is; 409 when it had already finished.
 */
export function cancelHandler({ engine, logger }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { workspace_id } = callerOf(res);
    const found = await engine.cancelBatch(workspace_id, batchId);
    logger.info({ batch_id: batchId }, 'batch cancelled');
    answerWithBatch(res, found);
  };
}
