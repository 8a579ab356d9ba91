import ky, { type KyInstance, type Options as KyOptions } from 'ky';
import type {
  Batch,
  BatchHistoryResponse,
  BatchPriority,
  BatchStatusResponse,
  BatchSummary,
  Limits,
  LimitsResponse,
  UploadResponse,
} from '@batch-uploader/protocol';
import { NetworkError } from '../errors/network-error.js';
import { apiErrorFromBody, toSdkError } from '../errors/to-sdk-error.js';
import { readBatchEvents, type BatchEvent } from './batch-events.js';
import { resolveClientOptions, type BatchClientOptions, type ResolvedClientOptions } from './client-options.js';
import { createFetchTransport } from './fetch-transport.js';
import { buildMultipart, bytesPerFile } from './multipart.js';
import type { UploadTransport } from './upload-transport.js';
import { watchBatch, type WatchOptions } from './watch-batch.js';
import { xhrTransport } from './xhr-transport.js';

/** Text fields sent with an upload; names as on the wire. */
export interface UploadFields {
  /** The patient the documents belong to. Sent to the server only, never logged by the SDK. */
  patient_id?: string;
  /** The document template the host uses for processing. */
  template_id?: string;
  /** The encounter (visit) the documents belong to. */
  encounter_id?: string;
  /** Queue priority of the batch. @default 'normal' (server side) */
  priority?: BatchPriority;
}

/** Bytes sent of one file of an upload. */
export interface FileUploadProgress {
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
  /** Progress of each file, by index. */
  files: readonly FileUploadProgress[];
}

/** Options of {@link BatchClient.upload}. */
export interface UploadOptions {
  /** Text fields sent with the files. */
  fields?: UploadFields;
  /** Aborts the upload. */
  signal?: AbortSignal;
  /** Called as bytes leave, at most every few tens of milliseconds. */
  onProgress?: (progress: UploadProgress) => void;
}

/** A file to upload: a browser `File`, a Node `File` (see `fileFromPath`), or a Blob with a name. */
export type UploadFile = File | (Blob & { name?: string });

/** Options every call accepts. */
export interface RequestOptions {
  /** Aborts the call. */
  signal?: AbortSignal;
}

/** Options of {@link BatchClient.getHistory}. */
export interface HistoryOptions extends RequestOptions {
  /** Batches per page (1–100). @default 20 (server side) */
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string | null;
}

/** Result of {@link BatchClient.getBatchIfChanged}. */
export interface ConditionalBatch {
  /** The batch, or null when it did not change since `etag`. */
  batch: Batch | null;
  /** The version to pass next time. */
  etag: string | null;
}

/**
 * Typed calls of every endpoint of the batch API.
 *
 * JSON calls run on ky: GETs are retried after network errors and 408/429/5xx answers,
 * POSTs never (an upload or a cancel must not happen twice). Errors are the SDK's:
 * {@link ApiError}, {@link NetworkError}, `TimeoutError`, or the caller's AbortError.
 *
 * @example
 * const client = new BatchClient({ endpoint: 'https://ehr.example/api/gp', getAuthToken });
 * const { batch_id } = await client.upload(files, { onProgress: (p) => console.log(p.percent) });
 * const final = await client.watchBatch(batch_id, { onUpdate: (batch) => render(batch) });
 */
export class BatchClient {
  /** The options in force, defaults applied. */
  readonly options: Readonly<ResolvedClientOptions>;
  readonly #ky: KyInstance;
  readonly #transport: UploadTransport;

  constructor(options: BatchClientOptions) {
    this.options = resolveClientOptions(options);
    const { endpoint, headers, timeout, retry, getAuthToken } = this.options;
    this.#ky = ky.create({
      prefixUrl: endpoint,
      headers,
      timeout,
      retry: { limit: retry, methods: ['get'], statusCodes: [408, 429, 500, 502, 503, 504], afterStatusCodes: [429, 503], backoffLimit: 5_000 },
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      hooks: {
        beforeRequest: [
          async (request) => {
            const token = await getAuthToken?.();
            if (token) request.headers.set('Authorization', `Bearer ${token}`);
          },
        ],
      },
    });
    const useXhr =
      this.options.uploadTransport === 'xhr' || (this.options.uploadTransport === 'auto' && typeof XMLHttpRequest !== 'undefined');
    this.#transport = useXhr ? xhrTransport : createFetchTransport(this.options.fetch);
  }

  /** What the server accepts: most files per batch, largest file, accepted types. */
  async getLimits(options: RequestOptions = {}): Promise<Limits> {
    const body = await this.#json<LimitsResponse>('limits', { method: 'get', ...signalOf(options) });
    return body.limits;
  }

  /**
   * Uploads files as one new batch; resolves with the server's 202 answer once every
   * byte is sent and the batch is recorded. Processing then goes on in the background:
   * follow it with {@link BatchClient.watchBatch}.
   */
  async upload(files: readonly UploadFile[], options: UploadOptions = {}): Promise<UploadResponse> {
    const fields = Object.fromEntries(
      Object.entries(options.fields ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''),
    );
    const body = buildMultipart(
      'files',
      files.map((file) => ({ blob: file, filename: nameOf(file), type: file.type })),
      fields,
    );
    const total = files.reduce((sum, file) => sum + file.size, 0);
    let reported = -1;
    const report = (sent: number) => {
      const perFile = bytesPerFile(body, sent);
      const fileSent = perFile.reduce((sum, n) => sum + n, 0);
      // Framing bytes move the counter too; only file bytes are news to the caller.
      if (fileSent === reported) return;
      reported = fileSent;
      options.onProgress?.({
        sent: fileSent,
        total,
        percent: total === 0 ? 100 : Math.floor((fileSent * 100) / total),
        files: perFile.map((n, i) => ({ sent: n, total: files[i]!.size })),
      });
    };
    const answer = await this.#transport({
      url: new URL('batch-upload', this.options.endpoint).href,
      headers: await this.#headers(),
      body,
      signal: options.signal,
      timeout: this.options.uploadTimeout,
      onProgress: report,
    });
    if (answer.status < 200 || answer.status >= 300) throw apiErrorFromBody(answer.status, answer.text);
    const response = parseJson(answer.text) as UploadResponse | null;
    if (typeof response?.batch_id !== 'string') throw apiErrorFromBody(502, answer.text);
    report(body.size);
    return response;
  }

  /** The batch with every file. */
  async getBatch(batchId: string, options: RequestOptions = {}): Promise<Batch> {
    const body = await this.#json<BatchStatusResponse>(`batch-status/${encodeURIComponent(batchId)}`, { method: 'get', ...signalOf(options) });
    return body.batch;
  }

  /**
   * The batch unless it is unchanged since `etag` (the server answers 304 then, and
   * sends no body). Used for cheap polling.
   */
  async getBatchIfChanged(batchId: string, etag: string | null, options: RequestOptions = {}): Promise<ConditionalBatch> {
    try {
      const response = await this.#ky.get(`batch-status/${encodeURIComponent(batchId)}`, {
        ...signalOf(options),
        headers: etag ? { 'If-None-Match': etag } : {},
        throwHttpErrors: (status) => status >= 400,
      });
      const next = response.headers.get('ETag');
      if (response.status === 304) return { batch: null, etag: next ?? etag };
      const body = (await response.json()) as BatchStatusResponse;
      return { batch: body.batch, etag: next };
    } catch (error) {
      throw await toSdkError(error, this.#timeoutMs());
    }
  }

  /** One page of the workspace's batches, newest first; pass `next_cursor` back for the next page. */
  async getHistory(options: HistoryOptions = {}): Promise<BatchHistoryResponse> {
    const searchParams: Record<string, string> = {};
    if (options.limit !== undefined) searchParams.limit = String(options.limit);
    if (options.cursor) searchParams.cursor = options.cursor;
    return this.#json<BatchHistoryResponse>('batch-history', { method: 'get', searchParams, ...signalOf(options) });
  }

  /** Every batch of the workspace, newest first, fetching pages as the loop goes on. */
  async *history(options: Omit<HistoryOptions, 'cursor'> = {}): AsyncGenerator<BatchSummary> {
    let cursor: string | null = null;
    do {
      const page: BatchHistoryResponse = await this.getHistory({ ...options, cursor });
      yield* page.batches;
      cursor = page.next_cursor;
    } while (cursor);
  }

  /**
   * Cancels a batch: files not yet started become `cancelled`, running ones finish.
   * Rejects with ApiError `BATCH_NOT_OPEN` when the batch had already finished.
   */
  async cancelBatch(batchId: string, options: RequestOptions = {}): Promise<Batch> {
    const body = await this.#json<BatchStatusResponse>(`batch/${encodeURIComponent(batchId)}/cancel`, { method: 'post', ...signalOf(options) });
    return body.batch;
  }

  /**
   * The batch's live events (Server-Sent Events read with fetch, so auth headers work).
   * Ends after the `end` event, when the server closes the stream, or when `signal` fires.
   */
  async *events(batchId: string, options: RequestOptions = {}): AsyncGenerator<BatchEvent> {
    const controller = new AbortController();
    const outer = options.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    outer?.addEventListener('abort', onAbort, { once: true });
    try {
      let response: Response;
      try {
        response = await this.#ky.get(`batch-events/${encodeURIComponent(batchId)}`, {
          signal: controller.signal,
          retry: 0,
          headers: { Accept: 'text/event-stream' },
        });
      } catch (error) {
        throw await toSdkError(error, this.#timeoutMs());
      }
      if (!response.body || !(response.headers.get('Content-Type') ?? '').startsWith('text/event-stream')) {
        // Not awaited: some fetch implementations never settle a cancel; the abort below ends it anyway.
        response.body?.cancel().catch(() => {});
        throw new NetworkError('Live updates are not available from this server.');
      }
      for await (const event of readBatchEvents(response.body, controller, this.options.sseIdleTimeoutMs)) {
        yield event;
        if (event.type === 'end') return;
      }
    } finally {
      outer?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  /**
   * Follows a batch until it finishes: live events where possible, polling otherwise.
   * Resolves with the final batch; rejects on an error polling cannot fix (401, 404),
   * after too many failed polls in a row, or with an AbortError when `signal` fires.
   */
  watchBatch(batchId: string, options: WatchOptions = {}): Promise<Batch> {
    return watchBatch(this, batchId, {
      mode: this.options.liveMode,
      pollIntervalMs: this.options.pollIntervalMs,
      ...options,
    });
  }

  async #headers(): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.options.headers };
    const token = await this.options.getAuthToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  async #json<T>(path: string, options: KyOptions): Promise<T> {
    try {
      return await this.#ky(path, options).json<T>();
    } catch (error) {
      throw await toSdkError(error, this.#timeoutMs());
    }
  }

  #timeoutMs(): number | undefined {
    return this.options.timeout === false ? undefined : this.options.timeout;
  }
}

function nameOf(file: UploadFile): string {
  return typeof file.name === 'string' && file.name !== '' ? file.name : 'blob';
}

function signalOf(options: RequestOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
