import { abortReason, isAbortError } from '../errors/abort.js';
import { NetworkError } from '../errors/network-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { multipartStream } from './multipart.js';
import type { UploadTransport } from './upload-transport.js';

/**
 * Uploads with fetch and a streamed body that counts bytes as the HTTP stack takes
 * them. In Node, files opened with `fs.openAsBlob` are read chunk by chunk, so a 50 MB
 * file is never held whole in memory. (Browsers would need HTTP/2 for a streamed body,
 * which is why they use the XMLHttpRequest transport.)
 */
export function createFetchTransport(fetchFn: typeof globalThis.fetch | undefined): UploadTransport {
  return async ({ url, headers, body, signal, timeout, onProgress }) => {
    const timer = timeout === false ? undefined : AbortSignal.timeout(timeout);
    const signals = [signal, timer].filter((s): s is AbortSignal => s !== undefined);
    const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { ...headers, 'Content-Type': body.contentType },
      body: multipartStream(body, onProgress),
      // Required by fetch for a streamed request body.
      duplex: 'half',
      ...(combined ? { signal: combined } : {}),
    };
    try {
      const response = await (fetchFn ?? globalThis.fetch)(url, init);
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (timer?.aborted) throw new TimeoutError(timeout === false ? undefined : timeout, { cause: error });
      if (isAbortError(error)) throw error;
      throw new NetworkError(undefined, { cause: error });
    }
  };
}
