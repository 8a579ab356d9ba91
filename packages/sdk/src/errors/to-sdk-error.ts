import { ERRORS, type ErrorCode } from '@batch-uploader/protocol';
import { HTTPError, TimeoutError as KyTimeoutError } from 'ky';
import { ApiError, type ApiErrorCode } from './api-error.js';
import { NetworkError } from './network-error.js';
import { isAbortError } from './abort.js';
import { TimeoutError } from './timeout-error.js';

/**
 * Builds the {@link ApiError} for an error answer from its status and body text.
 * The body is the API's envelope `{status:"error", error:{code,message,details}}`;
 * anything else becomes `UNEXPECTED_RESPONSE` with a generic message, because a
 * proxy's error page is no message to show a clerk.
 */
export function apiErrorFromBody(status: number, text: string): ApiError {
  const envelope = parseEnvelope(text);
  if (envelope) return new ApiError({ ...envelope, status });
  return new ApiError({
    code: 'UNEXPECTED_RESPONSE',
    status,
    message: status >= 500 ? ERRORS.INTERNAL.message : `The server answered with an unexpected response (HTTP ${status}).`,
  });
}

/**
 * Turns whatever a request threw into the SDK's typed errors: ky's HTTPError into
 * ApiError, ky's TimeoutError into TimeoutError, a failed fetch into NetworkError.
 * Aborts and errors that are already the SDK's pass through untouched.
 */
export async function toSdkError(error: unknown, timeoutMs?: number): Promise<unknown> {
  if (error instanceof HTTPError) {
    const text = await error.response.text().catch(() => '');
    return apiErrorFromBody(error.response.status, text);
  }
  if (error instanceof KyTimeoutError) return new TimeoutError(timeoutMs, { cause: error });
  if (isAbortError(error)) return error;
  // fetch rejects with a TypeError for every transport failure (DNS, refused, reset, CORS).
  if (error instanceof TypeError) return new NetworkError(undefined, { cause: error });
  return error;
}

function parseEnvelope(text: string): { code: ApiErrorCode; message: string; details?: Record<string, unknown> } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== 'string' || code === '') return null;
  const known = code in ERRORS ? ERRORS[code as ErrorCode].message : ERRORS.BAD_REQUEST.message;
  return {
    code,
    message: typeof message === 'string' && message !== '' ? message : known,
    ...(typeof details === 'object' && details !== null ? { details: details as Record<string, unknown> } : {}),
  };
}
