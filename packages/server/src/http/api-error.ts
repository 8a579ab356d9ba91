import { ERRORS, formatMessage, type ErrorCode, type ErrorResponse } from '@batch-uploader/protocol';

/**
 * An error the API answers with: a code from the protocol's ERRORS table, its HTTP
 * status, and a message for people. Thrown anywhere in a handler; turned into a
 * response only by the error middleware.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: ErrorCode,
    options: { message?: string; values?: Record<string, string | number>; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(options.message ?? formatMessage(ERRORS[code].message, options.values), { cause: options.cause });
    this.status = ERRORS[code].status;
    this.details = options.details;
  }

  /** The wire envelope of this error. */
  toJSON(): ErrorResponse {
    return {
      status: 'error',
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}
