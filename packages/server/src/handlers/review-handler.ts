import type { Request, RequestHandler, Response } from 'express';
import { REVIEW_DECISIONS, type ReviewDecision, type ReviewResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { parseBatchId } from '../http/batch-id.js';
import { toWireBatch, toWireFile } from '../http/to-wire.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';

const FILE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `POST /batch/:batch_id/files/:file_id/review` with `{"decision":"confirm"|"reject"}`:
 * staff's decision on a file held for review (a document naming another patient),
 * recorded with who (the caller's `user_id`, else its workspace) and when. Both end
 * `needs_review`; the file stays completed, with `review.decision` `confirmed` (file it)
 * or `rejected` (do not file it to this patient). 404 `BATCH_NOT_FOUND` /
 * `FILE_NOT_FOUND` (another workspace's ids included), 409 `NOTHING_TO_REVIEW` or
 * `ALREADY_REVIEWED` (the other decision stands).
 */
export function reviewHandler({ engine, logger }: ResolvedRouterOptions): RequestHandler {
  return async (req: Request, res: Response) => {
    const batchId = parseBatchId(req.params.batch_id);
    const fileId = req.params.file_id;
    if (typeof fileId !== 'string' || !FILE_ID.test(fileId)) throw new ApiError('FILE_NOT_FOUND');
    const decision = readDecision(req.body);
    const caller = callerOf(res);
    const decidedBy = caller.user_id ?? `workspace:${caller.workspace_id}`;
    const { file, batch, files } = await engine.reviewFile(caller.workspace_id, batchId, fileId, { decision, decidedBy });
    logger.info({ batch_id: batchId, file_id: fileId, decision: REVIEW_DECISIONS[decision] }, 'file reviewed');
    const body: ReviewResponse = { status: 'success', file: toWireFile(file), batch: toWireBatch(batch, files) };
    res.json(body);
  };
}

function readDecision(body: unknown): ReviewDecision {
  const example = 'Send {"decision":"confirm"} or {"decision":"reject"}.';
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('BAD_REQUEST', { message: `The body must be a JSON object. ${example}` });
  const decision = (body as Record<string, unknown>).decision;
  if (decision !== 'confirm' && decision !== 'reject') {
    throw new ApiError('INVALID_FIELD', { message: `"decision" must be "confirm" or "reject". ${example}`, details: { field: 'decision' } });
  }
  return decision;
}
