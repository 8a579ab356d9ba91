import type { Request, RequestHandler, Response } from 'express';
import { FIELD_PATTERN, MAX_FIELD_LENGTH, type BatchPriority, type UploadResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { UPLOAD_FIELDS } from '../http/upload-parser.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';
import { createFileIntake } from './file-intake.js';
import { readExpectedFiles, readMoreFiles } from './more-files.js';

const PRIORITIES: readonly BatchPriority[] = ['high', 'normal', 'low'];

/**
 * `POST /batch-upload`: receives the files into quarantine, decides each type from its
 * bytes, moves accepted bytes into the blob store, records the batch and its files in
 * one step, and answers 202 while processing starts in the background. With
 * `more_files=true` the batch is held open for appends: its files run at once, but it
 * does not finish before the last part arrives, a close, or the hold runs out.
 */
export function uploadHandler(options: ResolvedRouterOptions): RequestHandler {
  const { engine, logger } = options;
  const receive = createFileIntake(options);

  /** Receives the files and hands them to the engine; the quarantine is empty again when this settles. */
  async function createBatch(req: Request, res: Response) {
    await using upload = await receive(req, res);
    const input = readFields(upload.fields);
    const more_files = readMoreFiles(upload.fields);
    const expected_files = readExpectedFiles(upload.fields);
    const files = await upload.files();
    const batch = await engine.createBatch({ workspace_id: callerOf(res).workspace_id, ...input, more_files, expected_files }, files);
    return { batch, rejected: files.filter((file) => file.record.status === 'failed').length };
  }

  return async (req: Request, res: Response) => {
    const { batch, rejected } = await createBatch(req, res);
    logger.info({ batch_id: batch.id, files: batch.total_files, rejected }, 'batch created');

    const body: UploadResponse = {
      status: 'success',
      batch_id: batch.id,
      total_files: batch.total_files,
      message: `Batch upload initiated. Processing ${batch.total_files} ${batch.total_files === 1 ? 'file' : 'files'} in background.`,
      tracking_url: `${req.baseUrl}/batch-status/${batch.id}`,
      events_url: `${req.baseUrl}/batch-events/${batch.id}`,
    };
    res.status(202).location(body.tracking_url).json(body);
  };
}

/** The batch's fields of an upload (or of `POST /batches`), checked; INVALID_FIELD names the one that is not valid. */
export function readFields(fields: Record<string, unknown>) {
  for (const name of Object.keys(fields)) {
    if (!(UPLOAD_FIELDS as readonly string[]).includes(name)) {
      throw new ApiError('INVALID_FIELD', { message: `Unknown form field "${name}".`, details: { field: name } });
    }
  }
  const priority = optionalText(fields, 'priority') ?? 'normal';
  if (!PRIORITIES.includes(priority as BatchPriority)) {
    throw new ApiError('INVALID_FIELD', { message: 'priority must be high, normal or low.', details: { field: 'priority' } });
  }
  return {
    priority: priority as BatchPriority,
    patient_id: optionalText(fields, 'patient_id'),
    template_id: optionalText(fields, 'template_id'),
    encounter_id: optionalText(fields, 'encounter_id'),
  };
}

function optionalText(fields: Record<string, unknown>, name: string): string | null {
  const value = fields[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') {
    throw new ApiError('INVALID_FIELD', { message: `${name} must be sent once, as text.`, details: { field: name } });
  }
  const text = value.trim();
  if (text === '') return null;
  if (text.length > MAX_FIELD_LENGTH || !FIELD_PATTERN.test(text)) {
    throw new ApiError('INVALID_FIELD', {
      message: `${name} may hold up to ${MAX_FIELD_LENGTH} letters, digits and . _ : - characters.`,
      details: { field: name },
    });
  }
  return text;
}
