import type { RequestHandler } from 'express';
import { ApiError } from '../http/api-error.js';
import { parseBatchId } from '../http/batch-id.js';
import { answeredNotModified, sendJsonAnswer } from '../http/conditional-json.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';
import { StatusAnswers, statusEtag } from './status-answers.js';

/**
 * `GET /batch-status/:batch_id`: the batch with every file; 404 for another workspace's
 * batch. Reads the batch's version first (one row, scoped to the caller's workspace):
 * a matching If-None-Match answers 304 without loading any file, and otherwise the
 * answer comes from the router's cache, built only when the version moved.
 */
export function statusHandler({ engine }: ResolvedRouterOptions): RequestHandler {
  const answers = new StatusAnswers(engine);
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { workspace_id } = callerOf(res);
    const version = await engine.getBatchVersion(workspace_id, batchId);
    if (version === null) throw new ApiError('BATCH_NOT_FOUND');
    if (answeredNotModified(req, res, statusEtag(batchId, version))) return;
    // Null when the batch was deleted (retention) since its version was read.
    const answer = await answers.get(workspace_id, batchId, version);
    if (!answer) throw new ApiError('BATCH_NOT_FOUND');
    sendJsonAnswer(res, answer);
  };
}
