import { SdkError, hasMarker } from './sdk-error.js';

/** The server did not answer within the configured `timeout`. */
export class TimeoutError extends SdkError {
  override readonly name = 'TimeoutError';
  /** Always `TIMEOUT`. */
  readonly code = 'TIMEOUT' as const;
  /** The time limit that passed, in milliseconds. */
  readonly timeoutMs: number | undefined;

  constructor(timeoutMs?: number, options?: { cause?: unknown }) {
    super('The server took too long to answer. Try again.', options);
    this.timeoutMs = timeoutMs;
  }
}

/** True when a request was given up because the server was too slow. */
export function isTimeoutError(error: unknown): error is TimeoutError {
  return error instanceof TimeoutError || hasMarker(error, ['TimeoutError']);
}
