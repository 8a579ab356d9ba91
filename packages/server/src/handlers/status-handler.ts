import type { RequestHandler } from 'express';
import type { BatchStatusResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { parseBatchId } from '../http/batch-id.js';
import { sendConditionalJson } from '../http/conditional-json.js';
import { toWireBatch } from '../http/to-wire.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';

/** `GET /batch-status/:batch_id`: the batch with every file (ETag, 304); 404 for another workspace's batch. */
export function statusHandler({ engine }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const found = await engine.store.getBatch(callerOf(res).workspace_id, batchId);
    if (!found) throw new ApiError('BATCH_NOT_FOUND');
    const body: BatchStatusResponse = { status: 'success', batch: toWireBatch(found.batch, found.files) };
    sendConditionalJson(req, res, body);
  };
}
