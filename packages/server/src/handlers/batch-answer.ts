import type { Response } from 'express';
import type { BatchStatusResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { toWireBatch } from '../http/to-wire.js';
import type { Store } from '../store/store.js';

/** Answers with the batch as it now is, with every file (the answer of cancel, pause and resume). */
export async function answerWithBatch(res: Response, store: Store, workspaceId: string, batchId: string): Promise<void> {
  const found = await store.records.getBatch(workspaceId, batchId);
  if (!found) throw new ApiError('BATCH_NOT_FOUND');
  const body: BatchStatusResponse = { status: 'success', batch: toWireBatch(found.batch, found.files) };
  res.json(body);
}
