import multer from 'multer';
import type { Request, Response } from 'express';
import type { Limits } from '@batch-uploader/protocol';
import { ApiError } from './api-error.js';
import { discardAll, QuarantineStorage, QuarantineWriteError, quarantineWriteFailure, type QuarantinedFile } from './quarantine-storage.js';

/** A received file: what multer tells plus what the quarantine kept. */
export type ReceivedFile = Express.Multer.File & QuarantinedFile;

/** Text fields a batch upload may carry. */
export const UPLOAD_FIELDS = ['patient_id', 'template_id', 'encounter_id', 'priority', 'more_files', 'expected_files'] as const;

/**
 * Parses a multipart batch upload into the quarantine with every limit enforced while
 * streaming. Resolves with the files and text fields; rejects with an ApiError for
 * anything the client got wrong, and with a QuarantineWriteError (its cause the disk's
 * error, e.g. ENOSPC) when the server could not write a file. Files of a rejected
 * request are already removed.
 */
export function createUploadParser(options: { dir: string; limits: Limits; headBytes: number; fieldName: string }) {
  const { limits } = options;
  const middleware = multer({
    storage: new QuarantineStorage(options.dir, options.headBytes),
    defParamCharset: 'utf8',
    limits: {
      files: limits.max_files,
      fileSize: limits.max_file_size,
      fields: UPLOAD_FIELDS.length * 2,
      fieldNameSize: 64,
      fieldSize: 1024,
      parts: limits.max_files + UPLOAD_FIELDS.length * 2,
      headerPairs: 200,
    },
  }).array(options.fieldName, limits.max_files);

  return function parseUpload(req: Request, res: Response): Promise<{ files: ReceivedFile[]; fields: Record<string, unknown> }> {
    if (!req.is('multipart/form-data')) {
      return Promise.reject(new ApiError('MALFORMED_UPLOAD', { message: 'Send the files as multipart/form-data in a field named "files".' }));
    }
    return new Promise((resolve, reject) => {
      middleware(req, res, (error?: unknown) => {
        if (error) {
          // A file that could not be written is the server's fault, whatever multer saw first.
          const failure = quarantineWriteFailure(req) ?? toApiError(error, limits, options.fieldName);
          // Multer does not wait for the removal of a file whose write failed: answer once it is gone.
          discardAll(req).then(
            () => reject(failure),
            () => reject(failure),
          );
          return;
        }
        resolve({ files: (req.files as ReceivedFile[] | undefined) ?? [], fields: { ...(req.body as object) } });
      });
    });
  };
}

function toApiError(error: unknown, limits: Limits, fieldName: string): unknown {
  if (error instanceof QuarantineWriteError) return error;
  if (error instanceof multer.MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return new ApiError('FILE_TOO_LARGE', {
          values: { max_file_size_mb: Math.round((limits.max_file_size / 1048576) * 100) / 100 },
          details: { max_file_size: limits.max_file_size },
        });
      case 'LIMIT_FILE_COUNT':
        return new ApiError('TOO_MANY_FILES', { values: { max_files: limits.max_files }, details: { max_files: limits.max_files } });
      case 'LIMIT_UNEXPECTED_FILE':
        return new ApiError('MALFORMED_UPLOAD', { message: `Files must be sent in the "${fieldName}" field.` });
      case 'LIMIT_PART_COUNT':
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_FIELD_KEY':
      case 'LIMIT_FIELD_VALUE':
        return new ApiError('INVALID_FIELD', { message: 'The form has too many or too long fields.' });
      default:
        return new ApiError('MALFORMED_UPLOAD');
    }
  }
  // Everything else comes from parsing the body: a broken boundary, a cut-off request.
  return new ApiError('MALFORMED_UPLOAD', { cause: error });
}
