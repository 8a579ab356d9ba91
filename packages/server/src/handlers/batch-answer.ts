import type { Response } from 'express';
import type { BatchStatusResponse } from '@batch-uploader/protocol';
import type { BatchEngine } from '../engine/batch-engine.js';
import { ApiError } from '../http/api-error.js';
import { toWireBatch } from '../http/to-wire.js';

/** Answers with the batch as it now is, with every file (the answer of cancel, pause, resume and close). */
export async function answerWithBatch(res: Response, engine: BatchEngine, workspaceId: string, batchId: string): Promise<void> {
  const found = await engine.getBatch(workspaceId, batchId);
  if (!found) throw new ApiError('BATCH_NOT_FOUND');
  const body: BatchStatusResponse = { status: 'success', batch: toWireBatch(found.batch, found.files) };
  res.json(body);
}
