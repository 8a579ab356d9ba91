import type { ErrorCode } from '@batch-uploader/protocol';
import { SdkError, hasMarker } from './sdk-error.js';

/**
 * Codes an {@link ApiError} can carry: every code of the protocol's `ERRORS` table, plus
 * `UNEXPECTED_RESPONSE` when something answered without the API's error envelope
 * (a proxy's HTML error page, a server of another kind at that address). A newer
 * server may send codes this SDK does not know yet; they arrive as they are.
 */
// `string & {}` keeps editor completion of the known codes while admitting new ones.
export type ApiErrorCode = ErrorCode | 'UNEXPECTED_RESPONSE' | (string & {});

/** The server answered with an error: its code, message, HTTP status and details. */
export class ApiError extends SdkError {
  override readonly name = 'ApiError';
  /** The server's stable error code, e.g. `TOO_MANY_FILES`. */
  readonly code: ApiErrorCode;
  /** HTTP status of the answer, e.g. 400. */
  readonly status: number;
  /** Extra facts for some codes (the limit that was hit, the field that was wrong). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(init: { code: ApiErrorCode; message: string; status: number; details?: Record<string, unknown> | undefined }) {
    super(init.message);
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
  }
}

/** True when the server answered with an error; narrow further on `error.code`. */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError || hasMarker(error, ['ApiError']);
}
