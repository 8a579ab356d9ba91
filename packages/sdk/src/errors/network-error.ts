import { SdkError, hasMarker } from './sdk-error.js';

/** No answer came: the server is unreachable, the connection dropped, or CORS refused it. */
export class NetworkError extends SdkError {
  override readonly name = 'NetworkError';
  /** Always `NETWORK_ERROR`. */
  readonly code = 'NETWORK_ERROR' as const;

  constructor(message = 'The server could not be reached. Check the connection and try again.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True when a request got no answer at all. */
export function isNetworkError(error: unknown): error is NetworkError {
  return error instanceof NetworkError || hasMarker(error, ['NetworkError']);
}
