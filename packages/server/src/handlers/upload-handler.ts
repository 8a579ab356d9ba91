import type { Request, RequestHandler, Response } from 'express';
import {
  FIELD_PATTERN,
  FILE_ERRORS,
  MAX_FIELD_LENGTH,
  type BatchPriority,
  type UploadResponse,
} from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { newId } from '../http/batch-id.js';
import { sanitizeFilename } from '../http/filename.js';
import { discard } from '../http/quarantine-storage.js';
import { createUploadParser, UPLOAD_FIELDS, type ReceivedFile } from '../http/upload-parser.js';
import { SNIFF_BYTES, sniffType } from '../processors/inspect/sniff-type.js';
import type { NewFile } from '../store/records.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';

const PRIORITIES: readonly BatchPriority[] = ['high', 'normal', 'low'];

/**
 * `POST /batch-upload`: receives the files into quarantine, decides each type from its
 * bytes, moves accepted bytes into the blob store, records the batch and its files in
 * one step, and answers 202 while processing starts in the background.
 */
export function uploadHandler(options: ResolvedRouterOptions): RequestHandler {
  const { engine, limits, logger } = options;
  const parse = createUploadParser({ dir: options.uploadDir, limits, headBytes: SNIFF_BYTES, fieldName: 'files' });

  return async (req: Request, res: Response) => {
    const { workspace_id } = callerOf(res);
    const { files, fields } = await parse(req, res);
    const moved: string[] = [];
    try {
      const input = readFields(fields);
      if (files.length === 0) throw new ApiError('NO_FILES');

      const batchId = newId();
      const records: NewFile[] = [];
      for (const [position, file] of files.entries()) {
        records.push(await classify(file, position, limits.accepted_types));
      }
      if (records.every((record) => record.status === 'failed')) {
        throw new ApiError('UNSUPPORTED_TYPE', { details: { accepted_types: [...limits.accepted_types] } });
      }
      for (const [index, record] of records.entries()) {
        const file = files[index]!;
        if (record.blob_key) {
          await engine.blobs.putFile(record.blob_key, file.path);
          moved.push(record.blob_key);
        }
      }
      const batch = await engine.store.createBatch({ id: batchId, workspace_id, ...input }, records);
      moved.length = 0;
      engine.notify();
      engine.announce({ batch_id: batch.id, workspace_id, batch_finished: batch.finished_at !== null });
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
    } finally {
      // Whatever did not make it into the store must not stay on disk.
      await Promise.all([
        ...files.map((file) => discard(file.path)),
        ...moved.map((key) => engine.blobs.delete(key).catch(() => {})),
      ]);
    }
  };
}

async function classify(file: ReceivedFile, position: number, accepted: readonly string[]): Promise<NewFile> {
  const detected = await sniffType(file.head);
  const ok = detected !== null && accepted.includes(detected);
  const id = newId();
  return {
    id,
    position,
    filename: sanitizeFilename(file.originalname),
    size: file.size,
    declared_type: file.mimetype && file.mimetype.length <= 100 ? file.mimetype : null,
    detected_type: detected,
    blob_key: ok ? id : null,
    status: ok ? 'pending' : 'failed',
    error: ok ? null : { code: 'UNSUPPORTED_TYPE', message: FILE_ERRORS.UNSUPPORTED_TYPE },
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
