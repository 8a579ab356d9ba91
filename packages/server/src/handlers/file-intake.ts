import type { Request, Response } from 'express';
import { FILE_ERRORS } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { newId } from '../http/batch-id.js';
import { sanitizeFilename } from '../http/filename.js';
import { discard } from '../http/quarantine-storage.js';
import { createUploadParser, type ReceivedFile } from '../http/upload-parser.js';
import { SNIFF_BYTES, sniffType } from '../shared/sniff-type.js';
import type { NewFile } from '../store/records.js';
import type { ResolvedRouterOptions } from '../router-options.js';

/** The files and text fields of one multipart request, waiting in quarantine. */
export interface ReceivedUpload {
  /** The text fields, as sent (check them before calling `store`). */
  fields: Record<string, unknown>;
  /** How many files the request carried. */
  count: number;
  /**
   * Decides each file's type from its bytes and moves the accepted bytes into the blob
   * store. Resolves with the file records, positions 0..count-1 in request order; a file
   * of another type is recorded as failed (`UNSUPPORTED_TYPE`) and its bytes are not kept.
   * Rejects with NO_FILES when there is no file, and with 415 when none is acceptable.
   */
  store(): Promise<NewFile[]>;
}

/**
 * How the upload and append routes receive files: the same multipart parsing, limits
 * (enforced while streaming), type sniffing and move into the blob store. `use` records
 * the files; when it rejects, the bytes already moved into the blob store are removed,
 * and whatever happens the quarantined files are gone afterwards.
 */
export function createFileIntake(options: ResolvedRouterOptions) {
  const { engine, limits } = options;
  const parse = createUploadParser({ dir: options.uploadDir, limits, headBytes: SNIFF_BYTES, fieldName: 'files' });

  return async function receive<T>(req: Request, res: Response, use: (upload: ReceivedUpload) => Promise<T>): Promise<T> {
    const { files, fields } = await parse(req, res);
    const moved: string[] = [];
    const upload: ReceivedUpload = {
      fields,
      count: files.length,
      async store() {
        if (files.length === 0) throw new ApiError('NO_FILES');
        const records: NewFile[] = [];
        for (const [position, file] of files.entries()) records.push(await classify(file, position, limits.accepted_types));
        if (records.every((record) => record.status === 'failed')) {
          throw new ApiError('UNSUPPORTED_TYPE', { details: { accepted_types: [...limits.accepted_types] } });
        }
        for (const [index, record] of records.entries()) {
          if (!record.blob_key) continue;
          await engine.blobs.putFile(record.blob_key, files[index]!.path);
          moved.push(record.blob_key);
        }
        return records;
      },
    };
    try {
      const result = await use(upload);
      moved.length = 0;
      return result;
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
