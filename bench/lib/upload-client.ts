import { openAsBlob } from 'node:fs';

/** One file of an upload, read from disk while it is sent. */
export interface UploadFile {
  path: string;
  /** Name sent in the form. */
  name: string;
  type: string;
}

/** What one upload took. */
export interface UploadTiming {
  status: number;
  /** The response body, parsed as JSON when it is JSON. */
  body: unknown;
  /** From the start of the request to the end of the response body. */
  ms: number;
  /** File bytes sent (form overhead not counted). */
  bytes: number;
}

/**
 * Posts `files` as one multipart form in the field `files`, the way the SDK and a browser
 * form do, with Node's fetch. The files are Blobs backed by disk (`fs.openAsBlob`), so the
 * client streams them and holds none in memory. The same function uploads to the real
 * server and to the baseline; `headers` adds e.g. a bearer token.
 */
export async function uploadFiles(url: string, files: readonly UploadFile[], timeoutMs: number, headers: Record<string, string> = {}): Promise<UploadTiming> {
  const form = new FormData();
  let bytes = 0;
  for (const file of files) {
    const blob = await openAsBlob(file.path, { type: file.type });
    bytes += blob.size;
    form.append('files', blob, file.name);
  }
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', body: form, headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  const ms = performance.now() - started;
  let body: unknown = text;
  if (response.headers.get('content-type')?.includes('json')) body = JSON.parse(text) as unknown;
  return { status: response.status, body, ms, bytes };
}
