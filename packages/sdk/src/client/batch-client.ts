import ky, { type KyInstance, type Options as KyOptions } from 'ky';
import { CHANGES_PARAM } from '@batch-uploader/protocol';
import type {
  AnalyticsResponse,
  AppendResponse,
  Batch,
  BatchAnalytics,
  BatchHistoryResponse,
  BatchStatusResponse,
  BatchSummary,
  CreateBatchResponse,
  Limits,
  LimitsResponse,
  RetryResponse,
  ReviewDecision,
  ReviewResponse,
  UploadResponse,
} from '@batch-uploader/protocol';
import { abortReason } from '../errors/abort.js';
import { NetworkError } from '../errors/network-error.js';
import { toSdkError } from '../errors/to-sdk-error.js';
import { readBatchEvents, type BatchEvent } from './batch-events.js';
import { resolveClientOptions, type BatchClientOptions, type ResolvedClientOptions } from './client-options.js';
import { createFetchTransport } from './fetch-transport.js';
import type { AnalyticsOptions, ConditionalBatch, EventsOptions, HistoryOptions, RequestOptions, UploadOptions } from './request-options.js';
import { sendFiles, type UploadFile } from './send-files.js';
import { uploadInParts, type BatchUploadOptions, type BatchUploadResult } from './upload-in-parts.js';
// Type-only: sending through tus (the tus client with it) is loaded the first time a file goes that way.
import type { ResumableRequest } from './resumable-upload.js';
import type { UploadTransport } from './upload-transport.js';
import { watchBatch, type WatchOptions } from './watch-batch.js';
import { xhrTransport } from './xhr-transport.js';

export type { FileUploadProgress, UploadFile, UploadProgress } from './send-files.js';
export type { BatchUploadOptions, BatchUploadResult, SentPart } from './upload-in-parts.js';
export type { AnalyticsOptions, ConditionalBatch, EventsOptions, HistoryOptions, RequestOptions, UploadFields, UploadOptions } from './request-options.js';

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
  /** The server's resumable route, asked once (`GET /limits`) the first time a batch could use it. */
  #resumable: Promise<LimitsResponse['limits']['resumable']> | null = null;

  constructor(options: BatchClientOptions) {
    this.options = resolveClientOptions(options);
    const { endpoint, headers, timeout, retry, getAuthToken, credentials } = this.options;
    this.#ky = ky.create({
      prefixUrl: endpoint,
      headers,
      credentials,
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
    const useXhr = this.options.uploadTransport === 'xhr' || (this.options.uploadTransport === 'auto' && typeof XMLHttpRequest !== 'undefined');
    this.#transport = useXhr ? xhrTransport : createFetchTransport(this.options.fetch);
  }

  /** What the server accepts: most files per batch, largest file, accepted types. */
  async getLimits(options: RequestOptions = {}): Promise<Limits & Pick<LimitsResponse['limits'], 'resumable'>> {
    const body = await this.#json<LimitsResponse>('limits', { method: 'get', ...signalOf(options) });
    return body.limits;
  }

  /**
   * Makes an empty batch held open for files (`POST /batches`): send them with
   * {@link BatchClient.uploadResumable} or {@link BatchClient.appendFiles}, then
   * {@link BatchClient.closeBatch}. `expectedFiles` says how many will be sent (the batch
   * then shows what is missing, e.g. after a reload). Never retried, as a new batch cannot
   * be told from a second.
   */
  async createBatch(options: Pick<UploadOptions, 'fields' | 'priority' | 'signal' | 'expectedFiles'> = {}): Promise<CreateBatchResponse> {
    const json: Record<string, unknown> = Object.fromEntries(
      Object.entries({ priority: options.priority, ...options.fields }).filter(([, v]) => typeof v === 'string' && v !== ''),
    );
    if (options.expectedFiles !== undefined) json.expected_files = options.expectedFiles;
    return this.#json<CreateBatchResponse>('batches', { method: 'post', json, ...signalOf(options) });
  }

  /**
   * Sends one file into a batch made with {@link BatchClient.createBatch} through the
   * server's resumable route (tus 1.0, with the official `tus-js-client`, loaded on first
   * use) in chunks of `resumableChunkSize` (else the server's advice); a dropped
   * connection goes on from the server's offset after `resumableRetryDelays`. Resolves
   * with the file's id on the server when it says (`Upload-File-Id`). File names are
   * never put in browser storage: uploads resume within the page's life, not after a reload,
   * unless the caller keeps the upload's URL (`onUploadUrl`) and passes it back as `uploadUrl`.
   */
  async uploadResumable(
    batchId: string,
    file: UploadFile,
    options: Pick<ResumableRequest, 'signal' | 'onProgress' | 'onResuming' | 'uploadUrl' | 'onUploadUrl' | 'keepOnAbort'> = {},
  ): Promise<string | null> {
    const offered = await this.#resumableRoute(options.signal);
    const { sendResumable } = await import('./resumable-upload.js');
    return sendResumable(file, {
      endpoint: new URL('uploads', this.options.endpoint).href,
      batchId,
      headers: () => this.#headers(),
      chunkSize: this.options.resumableChunkSize ?? offered?.chunk_size ?? 8 * 1024 * 1024,
      retryDelays: this.options.resumableRetryDelays,
      stallTimeoutMs: this.options.stallTimeoutMs,
      credentials: this.options.credentials,
      signal: options.signal,
      onProgress: options.onProgress,
      onResuming: options.onResuming,
      uploadUrl: options.uploadUrl,
      onUploadUrl: options.onUploadUrl,
      keepOnAbort: options.keepOnAbort,
    });
  }

  /**
   * Ends an unfinished resumable upload (its URL, from `onUploadUrl`): the server removes
   * the bytes it holds. An upload the server no longer has counts as ended.
   */
  async endResumable(uploadUrl: string): Promise<void> {
    const { endResumable } = await import('./resumable-upload.js');
    await endResumable(uploadUrl, { headers: () => this.#headers(), credentials: this.options.credentials });
  }

  /**
   * Uploads files as one new batch; resolves with the server's 202 answer once every
   * byte is sent and the batch is recorded. Processing then goes on in the background:
   * follow it with {@link BatchClient.watchBatch}.
   */
  async upload(files: readonly UploadFile[], options: UploadOptions = {}): Promise<UploadResponse> {
    const fields = Object.fromEntries(
      Object.entries({ priority: options.priority, ...options.fields, ...moreFilesField(options), ...expectedFilesField(options) }).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
      ),
    );
    return this.#sendFiles<UploadResponse>('batch-upload', files, fields, options);
  }

  /**
   * Uploads files as one batch in as many requests as `uploadPartFiles` and
   * `uploadPartBytes` need: one request for a small batch; else the batch is made empty
   * first ({@link BatchClient.createBatch}, with how many files will come: it exists before
   * a file is sent) and every part is appended to it.
   * A request that fails for a passing reason (network, timeout, 429, 5xx) is sent again
   * alone, after a backoff, up to `uploadRetries` times; an append whose answer was lost
   * is first looked up, so no file is sent twice. A one-request batch goes again only when
   * the server said it stored nothing (408, 429, 503), since a second batch cannot be
   * told from the first. Every request but the last says more files follow
   * (`moreFiles`), so the server processes the files as they arrive but keeps the batch
   * open for the rest; the last request lets it finish. When a later request fails for
   * good, the batch is closed ({@link BatchClient.closeBatch}) and finishes with the
   * files that arrived. Progress covers every file across all requests. Aborting cancels
   * a batch already created. A small batch takes one request, like {@link BatchClient.upload}.
   */
  async uploadBatch(files: readonly UploadFile[], options: BatchUploadOptions = {}): Promise<BatchUploadResult> {
    if (files.length === 0) throw new TypeError('uploadBatch: pass at least one file.');
    const viaTus = await this.#viaTus(files, options.signal);
    if (viaTus) return (await import('./upload-resumable.js')).uploadResumably(this, files, viaTus, options);
    return uploadInParts(this, files, options);
  }

  /**
   * Appends files to a batch made with {@link BatchClient.createBatch} (or still open) in
   * requests as {@link BatchClient.uploadBatch} sends them, each again after a passing
   * failure, an append whose answer was lost looked up before it goes again (`heldFiles`:
   * the files the batch holds before). Every request holds the batch open; on failure or
   * abort it is left as it is: closing or cancelling it is the caller's.
   */
  async appendInParts(
    batchId: string,
    files: readonly UploadFile[],
    options: Pick<BatchUploadOptions, 'signal' | 'onProgress' | 'onPartSent'> & { heldFiles?: number } = {},
  ): Promise<BatchUploadResult> {
    if (files.length === 0) throw new TypeError('appendInParts: pass at least one file.');
    const { heldFiles = 0, ...rest } = options;
    return uploadInParts(this, files, rest, { batchId, totalFiles: heldFiles });
  }

  /**
   * Sends files into a batch held open (made with {@link BatchClient.createBatch}, or an
   * upload that more files were to follow) the way {@link BatchClient.uploadBatch} sends
   * a new batch's: small files appended in multipart parts, large ones through tus when
   * the server offers it, each going on with the upload `uploadUrlOf` names (e.g. one a
   * reload cut short). Every request holds the batch open (`heldFiles`: the files it holds
   * before); on failure or abort it is left as it is: closing or cancelling it is the caller's.
   */
  async appendBatch(
    batchId: string,
    files: readonly UploadFile[],
    options: Pick<BatchUploadOptions, 'signal' | 'onProgress' | 'onPartSent' | 'onResuming' | 'onUploadUrl' | 'uploadUrlOf'> & { heldFiles?: number } = {},
  ): Promise<BatchUploadResult> {
    if (files.length === 0) throw new TypeError('appendBatch: pass at least one file.');
    const { heldFiles = 0, ...rest } = options;
    const into = { batchId, totalFiles: heldFiles };
    const viaTus = await this.#viaTus(files, options.signal);
    if (viaTus) return (await import('./upload-resumable.js')).uploadResumably(this, files, viaTus, rest, into);
    return uploadInParts(this, files, rest, into);
  }

  /**
   * Which files go through tus: none with `resumable: 'never'`, every file with `always`,
   * else those of `resumableThreshold` bytes or more; null when none does, or when the
   * server offers no tus route (asked only when a file would go that way).
   */
  async #viaTus(files: readonly UploadFile[], signal: AbortSignal | undefined): Promise<boolean[] | null> {
    const { resumable, resumableThreshold } = this.options;
    const marked = files.map((file) => resumable === 'always' || (resumable === 'auto' && file.size >= resumableThreshold));
    if (!marked.some(Boolean)) return null;
    return (await this.#resumableRoute(signal))?.protocol === 'tus' ? marked : null;
  }

  /** The server's resumable route as `GET /limits` advertises it, asked once; undefined when it offers none or could not say. */
  async #resumableRoute(signal?: AbortSignal): Promise<LimitsResponse['limits']['resumable']> {
    this.#resumable ??= this.getLimits().then(
      (limits) => limits.resumable,
      () => {
        // Asked again next time: the server may be back; the multipart path works meanwhile.
        this.#resumable = null;
        return undefined;
      },
    );
    const offered = await this.#resumable;
    if (signal?.aborted) throw abortReason(signal);
    return offered;
  }

  /**
   * Adds files to a batch that is still open (not finished, not cancelled); they are
   * processed after the batch's own. Same form, limits and progress reporting as
   * {@link BatchClient.upload}; the batch keeps its fields. Lets a caller send a large
   * batch in several requests and retry one request alone. Rejects with ApiError
   * `TOO_MANY_FILES` (400, `details.total_files`) when the batch would pass its file
   * limit, `BATCH_NOT_OPEN` (409) once it finished or was cancelled. With `moreFiles`
   * the batch stays open for a next append; without it, this is the last part.
   */
  async appendFiles(
    batchId: string,
    files: readonly UploadFile[],
    options: Pick<UploadOptions, 'signal' | 'onProgress' | 'moreFiles'> = {},
  ): Promise<AppendResponse> {
    return this.#sendFiles<AppendResponse>(`batch/${encodeURIComponent(batchId)}/files`, files, moreFilesField(options), options);
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
      throw await toSdkError(error, this.#timeoutMs(), this.options.endpoint);
    }
  }

  /** One page of the workspace's batches, newest first; pass `next_cursor` back for the next page. */
  async getHistory(options: HistoryOptions = {}): Promise<BatchHistoryResponse> {
    const searchParams: Record<string, string> = {};
    if (options.limit !== undefined) searchParams.limit = String(options.limit);
    if (options.cursor) searchParams.cursor = options.cursor;
    return this.#json<BatchHistoryResponse>('batch-history', { method: 'get', searchParams, ...signalOf(options) });
  }

  /**
   * Figures of the workspace from `since` until now: batches and files per UTC day,
   * totals, success rate, p50/p95 processing time and the top failure codes. Rejects
   * with ApiError `INVALID_QUERY` (400) for a `since` in the future or too long ago.
   */
  async getAnalytics(options: AnalyticsOptions = {}): Promise<BatchAnalytics> {
    const searchParams: Record<string, string> = {};
    if (options.since !== undefined) searchParams.since = options.since instanceof Date ? options.since.toISOString() : options.since;
    const body = await this.#json<AnalyticsResponse>('batch-analytics', { method: 'get', searchParams, ...signalOf(options) });
    return body.analytics;
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
    return (await this.#batchPost<BatchStatusResponse>(batchId, 'cancel', options)).batch;
  }

  /**
   * Pauses a batch: its files not yet started wait until {@link BatchClient.resumeBatch};
   * files already processing finish. The status shows `paused`. Pausing a paused batch is
   * fine. Rejects with ApiError `BATCH_NOT_OPEN` when the batch finished or was cancelled.
   */
  async pauseBatch(batchId: string, options: RequestOptions = {}): Promise<Batch> {
    return (await this.#batchPost<BatchStatusResponse>(batchId, 'pause', options)).batch;
  }

  /**
   * Resumes a paused batch (resuming one that is not paused is fine). Rejects with
   * ApiError `BATCH_NOT_OPEN` when the batch finished or was cancelled.
   */
  async resumeBatch(batchId: string, options: RequestOptions = {}): Promise<Batch> {
    return (await this.#batchPost<BatchStatusResponse>(batchId, 'resume', options)).batch;
  }

  /**
   * Takes no more files into a batch that was held open for them (`moreFiles`): it
   * finishes with the files it has as soon as they are done. Closing a batch that is not
   * held, or finished, is fine. Rejects with ApiError `BATCH_NOT_OPEN` when it was cancelled.
   */
  async closeBatch(batchId: string, options: RequestOptions = {}): Promise<Batch> {
    return (await this.#batchPost<BatchStatusResponse>(batchId, 'close', options)).batch;
  }

  /**
   * Tries the batch's failed files again on the server: they go back to `pending` with
   * attempts reset, and the batch reopens (follow it again with `watchBatch`). Files
   * whose bytes the server no longer has (refused at upload, or removed by retention)
   * stay failed and are counted in `not_retryable`. Rejects with ApiError
   * `NOTHING_TO_RETRY` (409) when no failed file can run again, `BATCH_CANCELLED` (409)
   * for a cancelled batch.
   */
  async retryFailedFiles(batchId: string, options: RequestOptions = {}): Promise<RetryResponse> {
    return this.#batchPost<RetryResponse>(batchId, 'retry', options);
  }

  /**
   * Records staff's decision on a completed file the server holds for review (a
   * document naming another patient: `needs_review`): `confirm` (file it where it is) or
   * `reject` (it must not be filed to this patient). Resolves with the file and its batch
   * as the decision left them. Never retried: a decision is sent once. Rejects with
   * ApiError `FILE_NOT_FOUND` / `BATCH_NOT_FOUND` (404), `NOTHING_TO_REVIEW` (409: not
   * held) or `ALREADY_REVIEWED` (409: decided the other way; the same decision again
   * answers with the first).
   */
  async reviewFile(batchId: string, fileId: string, decision: ReviewDecision, options: RequestOptions = {}): Promise<ReviewResponse> {
    return this.#json<ReviewResponse>(`batch/${encodeURIComponent(batchId)}/files/${encodeURIComponent(fileId)}/review`, {
      method: 'post',
      json: { decision },
      ...signalOf(options),
    });
  }

  /**
   * The batch's live events (Server-Sent Events read with fetch, so auth headers work).
   * Ends after the `end` event, when the server closes the stream, or when `signal` fires.
   * With `changes`, every change after the first snapshot arrives as a `changes` event
   * (only the files that changed cross the wire); its `batch` is still the whole batch.
   */
  async *events(batchId: string, options: EventsOptions = {}): AsyncGenerator<BatchEvent> {
    const controller = new AbortController();
    const outer = options.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    outer?.addEventListener('abort', onAbort, { once: true });
    try {
      let response: Response;
      try {
        response = await this.#ky.get(`batch-events/${encodeURIComponent(batchId)}`, {
          ...(options.changes ? { searchParams: { [CHANGES_PARAM]: '1' } } : {}),
          signal: controller.signal,
          retry: 0,
          headers: { Accept: 'text/event-stream' },
        });
      } catch (error) {
        throw await toSdkError(error, this.#timeoutMs(), this.options.endpoint);
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

  /** Sends files (and text fields) as one multipart POST, reporting byte progress; resolves with the 2xx answer. */
  async #sendFiles<T extends { batch_id: string }>(
    path: string,
    files: readonly UploadFile[],
    fields: Record<string, string>,
    options: Pick<UploadOptions, 'signal' | 'onProgress'>,
  ): Promise<T> {
    return sendFiles<T>(this.#transport, {
      url: new URL(path, this.options.endpoint).href,
      headers: await this.#headers(),
      timeout: this.options.uploadTimeout,
      stallTimeoutMs: this.options.stallTimeoutMs,
      credentials: this.options.credentials,
      files,
      fields,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  }

  async #headers(): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.options.headers };
    const token = await this.options.getAuthToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  /** `POST /batch/{id}/{action}`: cancel, pause, resume, close, retry. */
  #batchPost<T>(batchId: string, action: string, options: RequestOptions): Promise<T> {
    return this.#json<T>(`batch/${encodeURIComponent(batchId)}/${action}`, { method: 'post', ...signalOf(options) });
  }

  async #json<T>(path: string, options: KyOptions): Promise<T> {
    try {
      return await this.#ky(path, options).json<T>();
    } catch (error) {
      throw await toSdkError(error, this.#timeoutMs(), this.options.endpoint);
    }
  }

  #timeoutMs(): number | undefined {
    return this.options.timeout === false ? undefined : this.options.timeout;
  }
}

function signalOf(options: RequestOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

/** The wire field that says how many files the whole upload sends, when given. */
function expectedFilesField(options: Pick<UploadOptions, 'expectedFiles'>): Record<string, string> {
  return options.expectedFiles ? { expected_files: String(options.expectedFiles) } : {};
}

/** The wire field that holds a batch open for later requests, when asked for. */
function moreFilesField(options: Pick<UploadOptions, 'moreFiles'>): Record<string, string> {
  return options.moreFiles ? { more_files: 'true' } : {};
}
