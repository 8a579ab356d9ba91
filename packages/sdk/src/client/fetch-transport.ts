import { fetchUpload } from './fetch-upload.js';
import { multipartStream } from './multipart.js';
import type { UploadTransport } from './upload-transport.js';

/**
 * Uploads with fetch and a streamed body that counts bytes as the HTTP stack takes
 * them. In Node, files opened with `fs.openAsBlob` are read chunk by chunk, so a 50 MB
 * file is never held whole in memory. (Browsers would need HTTP/2 for a streamed body,
 * which is why they use the XMLHttpRequest transport; browser bundles get
 * `fetch-transport.browser.ts` instead of this file.)
 */
export function createFetchTransport(fetchFn: typeof globalThis.fetch | undefined): UploadTransport {
  return (request) =>
    fetchUpload(fetchFn, request, {
      body: multipartStream(request.body, request.onProgress),
      // Required by fetch for a streamed request body.
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
}
