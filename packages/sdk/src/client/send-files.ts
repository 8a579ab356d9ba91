import { abortReason } from '../errors/abort.js';
import { NetworkError } from '../errors/network-error.js';
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
  /** Milliseconds without a byte leaving after which the request is given up as stalled; `false` never. */
  stallTimeoutMs: number | false;
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
  const stall = new StallWatch(request.stallTimeoutMs, body.size, request.signal);
  let answer: Awaited<ReturnType<UploadTransport>>;
  try {
    answer = await transport({
      url: request.url,
      headers: request.headers,
      body,
      signal: stall.signal,
      timeout: request.timeout,
      credentials: request.credentials,
      onProgress: (sent) => {
        stall.moved(sent);
        report(sent);
      },
    });
  } catch (error) {
    throw stall.explain(error);
  } finally {
    stall.stop();
  }
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

/**
 * Gives an upload up when no byte of its body left for `timeoutMs`: a connection that
 * hangs, or a proxy that stopped reading, would otherwise keep it waiting for ever.
 * Once the whole body left, waiting for the answer is the upload timeout's business.
 */
class StallWatch {
  readonly #controller = new AbortController();
  readonly #timeoutMs: number | false;
  readonly #size: number;
  readonly #outer: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stalled = false;

  constructor(timeoutMs: number | false, size: number, outer: AbortSignal | undefined) {
    this.#timeoutMs = timeoutMs;
    this.#size = size;
    this.#outer = outer;
    if (outer?.aborted) this.#controller.abort(abortReason(outer));
    outer?.addEventListener('abort', this.#onOuterAbort, { once: true });
    this.moved(0);
  }

  /** The signal the transport gets: the caller's, and the stall's. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Bytes moved (or the request began): the wait starts again, unless all left. */
  moved(sent: number): void {
    clearTimeout(this.#timer);
    if (this.#timeoutMs === false || sent >= this.#size) return;
    this.#timer = setTimeout(() => {
      this.#stalled = true;
      this.#controller.abort();
    }, this.#timeoutMs);
  }

  /** The error to throw for a failed request: a stall is a NetworkError that says so. */
  explain(error: unknown): unknown {
    if (!this.#stalled || this.#outer?.aborted) return error;
    const seconds = Math.round((this.#timeoutMs as number) / 1000);
    return new NetworkError(`The upload stalled: nothing was sent for ${seconds} s.`, { cause: error, stalled: true });
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
  }

  readonly #onOuterAbort = (): void => this.#controller.abort(abortReason(this.#outer!));
}
