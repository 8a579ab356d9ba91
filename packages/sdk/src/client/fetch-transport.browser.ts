import { fetchUpload } from './fetch-upload.js';
import { multipartBlob } from './multipart.js';
import type { UploadTransport } from './upload-transport.js';

/**
 * The fetch transport of browser bundles (which the rollup config puts in place of
 * `fetch-transport.ts`): browsers cannot stream a request body over HTTP/1.1, so the
 * body goes as one Blob, and progress jumps to the whole body once it was sent. Used
 * only where XMLHttpRequest is missing (a service worker) or `uploadTransport: 'fetch'`.
 */
export function createFetchTransport(fetchFn: typeof globalThis.fetch | undefined): UploadTransport {
  return async (request) => {
    const answer = await fetchUpload(fetchFn, request, { body: multipartBlob(request.body) });
    request.onProgress(request.body.size);
    return answer;
  };
}
