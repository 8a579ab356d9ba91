import type { ErrorCode } from '@batch-uploader/protocol';
import { SdkError, hasMarker, isSdkError } from './sdk-error.js';

/**
 * A session could not do what it was asked, and no server answer says why: nothing to
 * upload (`NO_FILES`), nothing to retry (`NOTHING_TO_RETRY`), files added after the upload
 * began (`BATCH_NOT_OPEN`), or an unexpected failure (`INTERNAL`). The codes are the
 * protocol's, so a caller branches on them as on the server's.
 */
export class SessionError extends SdkError {
  override readonly name = 'SessionError';
  /** A code of the protocol's `ERRORS` table. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for an intent a session refused, or a failure it had no other error for. */
export function isSessionError(error: unknown): error is SessionError {
  return error instanceof SessionError || hasMarker(error, ['SessionError']);
}

/** The error as an SDK error: itself when it is one, else an `INTERNAL` SessionError that keeps it as `cause`. */
export function asSdkError(error: unknown): SdkError {
  if (isSdkError(error)) return error;
  const message = error instanceof Error && error.message !== '' ? error.message : 'Something went wrong.';
  return new SessionError('INTERNAL', message, { cause: error });
}
