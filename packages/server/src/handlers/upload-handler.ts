import type { Request, RequestHandler, Response } from 'express';
import { FIELD_PATTERN, MAX_FIELD_LENGTH, type BatchPriority, type UploadResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { newId } from '../http/batch-id.js';
import { UPLOAD_FIELDS } from '../http/upload-parser.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';
import { createFileIntake } from './file-intake.js';
import { readHold } from './more-files.js';

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

  return async (req: Request, res: Response) => {
    const { workspace_id } = callerOf(res);
    const { batch, records } = await receive(req, res, async (upload) => {
      const input = readFields(upload.fields);
      const hold_ms = readHold(upload.fields, engine.appendHoldMs);
      const records = await upload.store();
      const batch = await engine.store.records.createBatch({ id: newId(), workspace_id, ...input, hold_ms }, records);
      return { batch, records };
    });
    engine.notify();
    engine.announce({ batch_id: batch.id, workspace_id, batch_finished: batch.finished_at !== null });
    engine.announceRejectedFiles(
      { batch_id: batch.id, workspace_id },
      records.filter((r) => r.status === 'failed').map((r) => ({ id: r.id, error_code: r.error?.code ?? 'UNSUPPORTED_TYPE' })),
    );
    logger.info({ batch_id: batch.id, files: records.length, rejected: records.filter((r) => r.status === 'failed').length }, 'batch created');

    const body: UploadResponse = {
      status: 'success',
      batch_id: batch.id,
      total_files: records.length,
      message: `Batch upload initiated. Processing ${records.length} files in background.`,
      tracking_url: `${req.baseUrl}/batch-status/${batch.id}`,
      events_url: `${req.baseUrl}/batch-events/${batch.id}`,
    };
    res.status(202).location(body.tracking_url).json(body);
  };
}

function readFields(fields: Record<string, unknown>) {
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
