import { abortReason } from '../errors/abort.js';
import { noAnswer } from '../errors/network-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { multipartBlob } from './multipart.js';
import type { UploadTransport } from './upload-transport.js';

/**
 * Uploads with XMLHttpRequest. Browsers' fetch cannot report upload progress (a
 * streamed request body needs HTTP/2 and still reports nothing over HTTP/1.1), while
 * `xhr.upload.onprogress` reports bytes as they leave, on every protocol.
 */
export const xhrTransport: UploadTransport = ({ url, headers, body, signal, timeout, credentials, onProgress }) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = () => signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', url);
    // XMLHttpRequest has no 'omit': same-origin requests always carry cookies.
    xhr.withCredentials = credentials === 'include';
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Content-Type', body.contentType);
    if (timeout !== false) xhr.timeout = timeout;
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      settle();
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.onerror = () => {
      settle();
      reject(noAnswer(url));
    };
    xhr.ontimeout = () => {
      settle();
      reject(new TimeoutError(timeout === false ? undefined : timeout));
    };
    xhr.onabort = () => {
      settle();
      reject(signal ? abortReason(signal) : new DOMException('The upload was aborted.', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(multipartBlob(body));
  });
