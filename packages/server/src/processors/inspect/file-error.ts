import { FILE_ERRORS, type FileErrorCode } from '@batch-uploader/protocol';
import { PermanentError } from '../processor.js';

/** A {@link PermanentError} carrying the clerk-readable message of a file error code. */
export function fileError(code: FileErrorCode, cause?: unknown): PermanentError {
  return new PermanentError(code, FILE_ERRORS[code], cause === undefined ? undefined : { cause });
}
