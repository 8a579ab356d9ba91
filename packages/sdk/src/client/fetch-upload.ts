import { abortReason, isAbortError } from '../errors/abort.js';
import { noAnswer } from '../errors/network-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { UploadAnswer, UploadRequest } from './upload-transport.js';

/**
 * Sends an upload with fetch and turns its failures into the SDK's errors; what the
 * body is (a stream in Node, one Blob in browsers) is the caller's choice.
 */
export async function fetchUpload(
  fetchFn: typeof globalThis.fetch | undefined,
  { url, headers, body, signal, timeout, credentials }: UploadRequest,
  init: RequestInit,
): Promise<UploadAnswer> {
  const timer = timeout === false ? undefined : AbortSignal.timeout(timeout);
  const signals = [signal, timer].filter((s): s is AbortSignal => s !== undefined);
  const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  try {
    const response = await (fetchFn ?? globalThis.fetch)(url, {
      ...init,
      method: 'POST',
      credentials,
      headers: { ...headers, 'Content-Type': body.contentType },
      ...(combined ? { signal: combined } : {}),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    if (timer?.aborted) throw new TimeoutError(timeout === false ? undefined : timeout, { cause: error });
    if (isAbortError(error)) throw error;
    throw noAnswer(url, error);
  }
}
