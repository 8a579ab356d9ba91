import type { Response } from 'express';
import type { BatchStatusResponse } from '@batch-uploader/protocol';
import { toWireBatch } from '../http/to-wire.js';
import type { BatchWithFiles } from '../store/records.js';

/** Answers with the batch as a command left it, with every file (the answer of cancel, pause, resume and close). */
export function answerWithBatch(res: Response, found: BatchWithFiles): void {
  const body: BatchStatusResponse = { status: 'success', batch: toWireBatch(found.batch, found.files) };
  res.json(body);
}
