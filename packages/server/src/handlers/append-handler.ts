import type { Request, RequestHandler, Response } from 'express';
import type { AppendResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { parseBatchId } from '../http/batch-id.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';
import { createFileIntake } from './file-intake.js';
import { readMoreFiles } from './more-files.js';

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

  /** Receives the files and hands them to the engine; the quarantine is empty again when this settles. */
  async function appendFiles(req: Request, res: Response, batchId: string) {
    await using upload = await receive(req, res);
    const unknown = Object.keys(upload.fields).find((name) => name !== 'more_files');
    if (unknown !== undefined) {
      throw new ApiError('INVALID_FIELD', { message: `Unknown form field "${unknown}": appended files take the batch's fields.`, details: { field: unknown } });
    }
    const moreFiles = readMoreFiles(upload.fields);
    const files = await upload.files();
    const batch = await engine.appendFiles(callerOf(res).workspace_id, batchId, files, { maxFiles: limits.max_files, moreFiles });
    return { batch, records: files.map((file) => file.record) };
  }

  return async (req: Request, res: Response) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { batch, records } = await appendFiles(req, res, batchId);
    logger.info({ batch_id: batchId, files: records.length, rejected: records.filter((r) => r.status === 'failed').length }, 'files appended');

    const body: AppendResponse = {
      status: 'success',
      batch_id: batchId,
      appended_files: records.length,
      total_files: batch.total_files,
      file_ids: records.map((record) => record.id),
      message:
        records.length === 1
          ? 'Added 1 file to the batch. Processing it in background.'
          : `Added ${records.length} files to the batch. Processing them in background.`,
      tracking_url: `${req.baseUrl}/batch-status/${batchId}`,
      events_url: `${req.baseUrl}/batch-events/${batchId}`,
    };
    res.status(202).location(body.tracking_url).json(body);
  };
}
