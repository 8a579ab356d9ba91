import type { RequestHandler } from 'express';
import { parseBatchId } from '../http/batch-id.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { answerWithBatch } from './batch-answer.js';
import { callerOf } from './context.js';

/**
 * `POST /batch/:batch_id/close`: releases the hold of a batch uploaded with
 * `more_files=true`, so that it finishes with the files it has (at once when they are
 * done). Closing a batch that is not held, or finished, is fine. 409 when cancelled.
 */
export function closeHandler({ engine, logger }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { workspace_id } = callerOf(res);
    const found = await engine.closeBatch(workspace_id, batchId);
    logger.info({ batch_id: batchId }, 'batch closed for appends');
    answerWithBatch(res, found);
  };
}
