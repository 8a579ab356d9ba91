import { apiErrorFromBody } from '../errors/to-sdk-error.js';
import { buildMultipart, bytesPerFile } from './multipart.js';
import type { UploadTransport } from './upload-transport.js';

/** Bytes sent of one file of an upload. */
export interface FileUploadProgress {
  /** The file, as it was given (so a caller finds its own record of it without counting positions). */
  file: UploadFile;
  /** Bytes of this file sent so far. */
  sent: number;
  /** Size of this file. */
  total: number;
}

/** Upload progress: overall and per file, in the order the files were given. */
export interface UploadProgress {
  /** File bytes sent so far (multipart framing not counted). */
  sent: number;
  /** Total file bytes. */
  total: number;
  /** Whole percent of file bytes sent. */
  percent: number;
  /** Progress of each file, in the order given; each names its file. */
  files: readonly FileUploadProgress[];
}

/** A file to upload: a browser `File`, a Node `File` (see `fileFromPath`), or a Blob with a name. */
export type UploadFile = File | (Blob & { name?: string });

/** One multipart request of files: where it goes and what it carries. */
export interface SendFilesRequest {
  url: string;
  headers: Record<string, string>;
  timeout: number | false;
  /** Whether cookies go with the request. */
  credentials: RequestCredentials;
  files: readonly UploadFile[];
  /** Text fields sent after the files. */
  fields: Record<string, string>;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: UploadProgress) => void) | undefined;
}

/**
 * Sends files as one multipart POST (the upload and append routes), reporting file
 * bytes sent overall and per file; resolves with the 2xx JSON answer, which must name
 * a batch. Error answers become ApiErrors.
 */
export async function sendFiles<T extends { batch_id: string }>(transport: UploadTransport, request: SendFilesRequest): Promise<T> {
  const { files, onProgress } = request;
  const body = buildMultipart(
    'files',
    files.map((file) => ({ blob: file, filename: nameOf(file), type: file.type })),
    request.fields,
  );
  let reported = -1;
  const report = (sent: number) => {
    const progress = toUploadProgress(bytesPerFile(body, sent), files);
    // Framing bytes move the counter too; only file bytes are news to the caller.
    if (progress.sent === reported) return;
    reported = progress.sent;
    onProgress?.(progress);
  };
  const answer = await transport({
    url: request.url,
    headers: request.headers,
    body,
    signal: request.signal,
    timeout: request.timeout,
    credentials: request.credentials,
    onProgress: report,
  });
  if (answer.status < 200 || answer.status >= 300) throw apiErrorFromBody(answer.status, answer.text);
  const response = parseJson(answer.text) as T | null;
  if (typeof response?.batch_id !== 'string') throw apiErrorFromBody(502, answer.text);
  report(body.size);
  return response;
}

/** Upload progress from the bytes sent of each file. */
export function toUploadProgress(sentPerFile: readonly number[], files: readonly UploadFile[]): UploadProgress {
  let sent = 0;
  let total = 0;
  const perFile = files.map((file, i) => {
    sent += sentPerFile[i]!;
    total += file.size;
    return { file, sent: sentPerFile[i]!, total: file.size };
  });
  return { sent, total, percent: total === 0 ? 100 : Math.floor((sent * 100) / total), files: perFile };
}

function nameOf(file: UploadFile): string {
  return typeof file.name === 'string' && file.name !== '' ? file.name : 'blob';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
