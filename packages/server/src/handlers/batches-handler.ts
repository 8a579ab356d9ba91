import type { Request, RequestHandler, Response } from 'express';
import type { CreateBatchResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';
import { readExpectedFiles } from './more-files.js';
import { readFields } from './upload-handler.js';

/**
 * `POST /batches`: creates an empty batch held open for files sent one by one through
 * the resumable route (`upload_url`, tus 1.0) or appended with `POST /batch/{id}/files`.
 * The JSON body takes the upload's fields (`patient_id`, `template_id`, `encounter_id`,
 * `priority`) and `expected_files` (how many files will be sent: a client that
 * reloads can then tell which are missing), all optional. The hold for appends applies: the batch finishes once it
 * is closed (`POST /batch/{id}/close`) or the hold runs out, and its files are done.
 */
export function batchesHandler(options: ResolvedRouterOptions): RequestHandler {
  const { engine, logger } = options;
  return async (req: Request, res: Response) => {
    const fields: unknown = req.body ?? {};
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw new ApiError('BAD_REQUEST', { message: 'Send the batch\'s fields as a JSON object, e.g. {"patient_id":"P-1001"}, or no body.' });
    }
    if ('more_files' in fields) {
      throw new ApiError('INVALID_FIELD', {
        message: 'A batch made with POST /batches is always held open for files: leave out more_files.',
        details: { field: 'more_files' },
      });
    }
    const { expected_files: expected, ...rest } = fields as Record<string, unknown>;
    const input = readFields(rest);
    // A number in JSON, or its text as in a multipart upload.
    const expected_files = readExpectedFiles({ expected_files: typeof expected === 'number' ? String(expected) : expected });
    const batch = await engine.createBatch({ workspace_id: callerOf(res).workspace_id, ...input, more_files: true, expected_files }, []);
    logger.info({ batch_id: batch.id }, 'empty batch created for resumable uploads');

    const body: CreateBatchResponse = {
      status: 'success',
      batch_id: batch.id,
      accepting_files: true,
      upload_url: `${req.baseUrl}/uploads`,
      tracking_url: `${req.baseUrl}/batch-status/${batch.id}`,
      events_url: `${req.baseUrl}/batch-events/${batch.id}`,
    };
    res.status(201).location(body.tracking_url).json(body);
  };
}
