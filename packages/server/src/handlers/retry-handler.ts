import type { RequestHandler } from 'express';
import type { RetryResponse } from '@batch-uploader/protocol';
import { parseBatchId } from '../http/batch-id.js';
import { toWireBatch } from '../http/to-wire.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';

/**
 * `POST /batch/:batch_id/retry`: the batch's failed files go back to the queue (attempts
 * reset, error cleared) and the batch reopens. Files without bytes — refused at upload,
 * or purged by retention — stay failed and are counted in `not_retryable`. 409
 * `NOTHING_TO_RETRY` when no failed file can run again, `BATCH_CANCELLED` for a cancelled batch.
 */
export function retryHandler({ engine, logger }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { workspace_id } = callerOf(res);
    const { retried, not_retryable, batch: found } = await engine.retryFailedFiles(workspace_id, batchId);
    logger.info({ batch_id: batchId, files: retried, not_retryable }, 'failed files retried');
    const body: RetryResponse = { status: 'success', retried, not_retryable, batch: toWireBatch(found.batch, found.files) };
    res.json(body);
  };
}
