import type { RequestHandler } from 'express';
import { FILE_ERRORS } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
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
    const { outcome, batch_finished } = await engine.store.control.cancelBatch(workspace_id, batchId, {
      code: 'CANCELLED',
      message: FILE_ERRORS.CANCELLED,
    });
    if (outcome === 'not_found') throw new ApiError('BATCH_NOT_FOUND');
    if (outcome === 'not_open') throw new ApiError('BATCH_NOT_OPEN');
    engine.announce({ batch_id: batchId, workspace_id, batch_finished });
    logger.info({ batch_id: batchId }, 'batch cancelled');
    await answerWithBatch(res, engine.store, workspace_id, batchId);
  };
}
