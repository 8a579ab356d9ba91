import type { Request, RequestHandler, Response } from 'express';
import type { AppendResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { parseBatchId } from '../http/batch-id.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';
import { createFileIntake } from './file-intake.js';
import { readHold } from './more-files.js';

/**
 * `POST /batch/:batch_id/files`: adds files to a batch that is still open, with the same
 * multipart form, limits and type checks as an upload. They take the next positions and
 * are processed like the batch's other files. The batch's file limit counts every file
 * it holds: 400 TOO_MANY_FILES when these would pass it. 409 when the batch finished or
 * was cancelled. A client sending a large batch in several requests can retry one alone.
 * `more_files=true` keeps (or puts) the batch on hold for the next part; an append
 * without it is the last part and releases the hold.
 */
export function appendHandler(options: ResolvedRouterOptions): RequestHandler {
  const { engine, limits, logger } = options;
  const receive = createFileIntake(options);

  return async (req: Request, res: Response) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { workspace_id } = callerOf(res);
    const { batch, records } = await receive(req, res, async (upload) => {
      const unknown = Object.keys(upload.fields).find((name) => name !== 'more_files');
      if (unknown !== undefined) {
        throw new ApiError('INVALID_FIELD', { message: `Unknown form field "${unknown}": appended files take the batch's fields.`, details: { field: unknown } });
      }
      const holdMs = readHold(upload.fields, engine.appendHoldMs);
      // Checked before any bytes move into the blob store; the store checks again, atomically.
      const current = await engine.store.records.getBatchSummary(workspace_id, batchId);
      if (!current) throw new ApiError('BATCH_NOT_FOUND');
      if (current.finished_at || current.cancelled_at) throw new ApiError('BATCH_NOT_OPEN');
      if (upload.count > 0) tooMany(current.total_files, upload.count, limits.max_files);
      const records = await upload.store();
      const result = await engine.store.control.appendFiles(workspace_id, batchId, records, { maxFiles: limits.max_files, holdMs });
      switch (result.outcome) {
        case 'appended':
          return { batch: result.batch, records };
        case 'not_found':
          throw new ApiError('BATCH_NOT_FOUND');
        case 'not_open':
          throw new ApiError('BATCH_NOT_OPEN');
        case 'too_many':
          tooMany(result.total_files, records.length, limits.max_files);
          throw new ApiError('TOO_MANY_FILES');
      }
    });
    engine.notify();
    engine.announce({ batch_id: batchId, workspace_id, batch_finished: batch.finished_at !== null });
    engine.announceRejectedFiles(
      { batch_id: batchId, workspace_id },
      records.filter((r) => r.status === 'failed').map((r) => ({ id: r.id, error_code: r.error?.code ?? 'UNSUPPORTED_TYPE' })),
    );
    logger.info({ batch_id: batchId, files: records.length, rejected: records.filter((r) => r.status === 'failed').length }, 'files appended');

    const body: AppendResponse = {
      status: 'success',
      batch_id: batchId,
      appended_files: records.length,
      total_files: batch.total_files,
      file_ids: records.map((record) => record.id),
      message: records.length === 1 ? 'Added 1 file to the batch. Processing it in background.' : `Added ${records.length} files to the batch. Processing them in background.`,
      tracking_url: `${req.baseUrl}/batch-status/${batchId}`,
      events_url: `${req.baseUrl}/batch-events/${batchId}`,
    };
    res.status(202).location(body.tracking_url).json(body);
  };
}

/** Throws TOO_MANY_FILES, saying how many more the batch takes, when `adding` does not fit. */
function tooMany(total: number, adding: number, max: number): void {
  if (total + adding <= max) return;
  const room = Math.max(0, max - total);
  throw new ApiError('TOO_MANY_FILES', {
    message: `Too many files: this batch holds ${total} of at most ${max} files, so ${room === 0 ? 'no more can be added' : `at most ${room} more can be added`}.`,
    details: { max_files: max, total_files: total },
  });
}
