import { ERRORS } from '@batch-uploader/protocol';
import { HTTPError, TimeoutError as KyTimeoutError } from 'ky';
import { ApiError } from './api-error.js';
import { noAnswer } from './network-error.js';
import { isAbortError } from './abort.js';
import { TimeoutError } from './timeout-error.js';

/**
 * Builds the {@link ApiError} for an error answer from its status and body text.
 * The body is the API's envelope `{status:"error", error:{code,message,details}}`;
 * anything else becomes `UNEXPECTED_RESPONSE` with a generic message, because a
 * proxy's error page is no message to show a clerk.
 */
export function apiErrorFromBody(status: number, text: string): ApiError {
  // Only static reads of ERRORS, so a bundle keeps just these two messages of the table.
  const generic = status >= 500 ? ERRORS.INTERNAL.message : ERRORS.BAD_REQUEST.message;
  let error: { code?: unknown; message?: unknown; details?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error } | null)?.error;
  } catch {
    // Not JSON: not the API speaking.
  }
  const { code, message, details } = typeof error === 'object' && error !== null ? error : {};
  if (typeof code !== 'string' || code === '') {
    return new ApiError({
      code: 'UNEXPECTED_RESPONSE',
      status,
      message: status >= 500 ? generic : `The server answered with an unexpected response (HTTP ${status}).`,
    });
  }
  return new ApiError({
    code,
    status,
    message: typeof message === 'string' && message !== '' ? message : generic,
    ...(typeof details === 'object' && details !== null ? { details: details as Record<string, unknown> } : {}),
  });
}

/**
 * Turns whatever a request threw into the SDK's typed errors: ky's HTTPError into
 * ApiError, ky's TimeoutError into TimeoutError, a failed fetch into NetworkError
 * (naming CORS as a possible cause when `url` is on another origin than the page).
 * Aborts and errors that are already the SDK's pass through untouched.
 */
export async function toSdkError(error: unknown, timeoutMs?: number, url = ''): Promise<unknown> {
  if (error instanceof HTTPError) {
    const text = await error.response.text().catch(() => '');
    return apiErrorFromBody(error.response.status, text);
  }
  if (error instanceof KyTimeoutError) return new TimeoutError(timeoutMs, { cause: error });
  if (isAbortError(error)) return error;
  // fetch rejects with a TypeError for every transport failure (DNS, refused, reset, CORS).
  if (error instanceof TypeError) return noAnswer(url, error);
  return error;
}
