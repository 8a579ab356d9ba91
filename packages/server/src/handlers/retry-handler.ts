import type { RequestHandler } from 'express';
import type { RetryResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
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
    const { outcome, retried, not_retryable } = await engine.store.control.retryFailedFiles(workspace_id, batchId);
    if (outcome === 'not_found') throw new ApiError('BATCH_NOT_FOUND');
    if (outcome === 'cancelled') throw new ApiError('BATCH_CANCELLED');
    if (outcome === 'nothing_to_retry') {
      throw new ApiError('NOTHING_TO_RETRY', {
        ...(not_retryable > 0
          ? { message: `No failed file of this batch can be tried again: the ${not_retryable === 1 ? 'file that failed has' : `${not_retryable} files that failed have`} no stored copy (refused at upload, or removed after the retention period).` }
          : {}),
        details: { not_retryable },
      });
    }
    engine.notify();
    engine.announce({ batch_id: batchId, workspace_id, batch_finished: false });
    logger.info({ batch_id: batchId, files: retried, not_retryable }, 'failed files retried');
    const found = await engine.store.records.getBatch(workspace_id, batchId);
    if (!found) throw new ApiError('BATCH_NOT_FOUND');
    const body: RetryResponse = { status: 'success', retried, not_retryable, batch: toWireBatch(found.batch, found.files) };
    res.json(body);
  };
}
