import { Upload, type DetailedError, type HttpRequest, type UploadOptions as TusOptions } from 'tus-js-client';
import { abortReason } from '../errors/abort.js';
import { NetworkError } from '../errors/network-error.js';
import { apiErrorFromBody } from '../errors/to-sdk-error.js';
import type { UploadFile } from './send-files.js';

/** One file sent through the server's tus 1.0 route into a batch made with `POST /batches`. */
export interface ResumableRequest {
  /** The tus creation URL, `{endpoint}uploads`. */
  endpoint: string;
  batchId: string;
  /** Headers of every request; called again before each, so a refreshed token goes along. */
  headers: () => Promise<Record<string, string>>;
  /** Bytes per PATCH request: what a cut connection may cost again at most. */
  chunkSize: number;
  /** Milliseconds to wait before each new try after a failed request (the tus client's `retryDelays`). */
  retryDelays: readonly number[];
  /**
   * Milliseconds without a byte leaving, or without an answer once all left, after which a
   * request is given up as stalled and the upload goes on from the server's offset (after
   * the next of `retryDelays`; as many times as there are delays); `false` never.
   */
  stallTimeoutMs: number | false;
  /** Whether browsers send cookies (`include` sets XMLHttpRequest's `withCredentials`). */
  credentials: RequestCredentials;
  signal?: AbortSignal | undefined;
  /** Bytes of the file the server holds or that left, continuing from the server's offset after a cut. */
  onProgress?: ((sent: number) => void) | undefined;
  /** A request failed and the upload goes on from the server's offset after the next delay. */
  onResuming?: (() => void) | undefined;
  /**
   * The URL of an upload this file began earlier (from `onUploadUrl`), e.g. by a process that
   * was stopped: it goes on from the server's offset (HEAD) instead of starting again; an
   * upload the server no longer has is made anew.
   */
  uploadUrl?: string | undefined;
  /** The upload's URL on the server, once it is made: what `uploadUrl` takes to go on later. */
  onUploadUrl?: ((url: string) => void) | undefined;
  /** On abort, leave the unfinished upload on the server (to go on later with `uploadUrl`) rather than remove it. */
  keepOnAbort?: boolean | undefined;
}

/**
 * Sends one file with the official tus client (`tus-js-client`). This module, the tus
 * client with it, is loaded on first use (`BatchClient` imports it when a file goes
 * through tus), so browser pages that never send a large file do not load it. A dropped connection is
 * taken up again from the offset the server reports (HEAD), after `retryDelays`.
 *
 * No health data in browser storage: the tus client's fingerprints (which by default hold
 * the file name) are never stored (`storeFingerprintForResuming: false`), and the
 * fingerprint it computes holds no name. Uploads resume within a page's life, not across
 * reloads. Resolves with the server's id of the file (`Upload-File-Id`), or null.
 */
export async function sendResumable(file: UploadFile, request: ResumableRequest): Promise<string | null> {
  const { signal } = request;
  if (signal?.aborted) throw abortReason(signal);
  return new Promise<string | null>((resolve, reject) => {
    let fileId: string | null = null;
    // The tus client has no stall detection: a request that goes quiet is ended here, and
    // the upload started again (the tus client then asks the server's offset with HEAD).
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    let stalls = 0;
    const stallAfter = request.stallTimeoutMs;
    const watch = () => {
      clearTimeout(stallTimer);
      if (stallAfter !== false) stallTimer = setTimeout(onStall, stallAfter);
    };
    const onStall = () => {
      const wait = request.retryDelays[stalls++];
      void upload.abort(false).then(() => {
        if (signal?.aborted) return;
        if (wait === undefined) {
          signal?.removeEventListener('abort', onAbort);
          reject(new NetworkError(`The upload stalled: nothing was sent for ${seconds(stallAfter as number)}.`, { stalled: true }));
          return;
        }
        request.onResuming?.();
        restart = setTimeout(() => upload.start(), wait);
      });
    };
    let restart: ReturnType<typeof setTimeout> | undefined;
    const options: TusOptions = {
      endpoint: request.endpoint,
      chunkSize: request.chunkSize,
      retryDelays: [...request.retryDelays],
      metadata: { batch_id: request.batchId, filename: nameOf(file), filetype: file.type || 'application/octet-stream' },
      ...(request.uploadUrl ? { uploadUrl: request.uploadUrl } : {}),
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: true,
      fingerprint: async (input) => `batch-uploader-${request.batchId}-${(input as Blob).size}`,
      onBeforeRequest: async (req: HttpRequest) => {
        // Only requests that carry bytes can stall: a HEAD may wait, rightly, for the server
        // to let go of a stalled PATCH it still holds (@tus/server's lock, a few seconds).
        if (req.getMethod() === 'PATCH') watch();
        else clearTimeout(stallTimer);
        applyCredentials(req, request.credentials);
        for (const [name, value] of Object.entries(await request.headers())) req.setHeader(name, value);
      },
      onAfterResponse: (_req, res) => {
        clearTimeout(stallTimer);
        fileId = res.getHeader('Upload-File-Id') ?? fileId;
      },
      onUploadUrlAvailable: () => {
        if (upload.url) request.onUploadUrl?.(upload.url);
      },
      onProgress: (sent) => {
        watch();
        request.onProgress?.(sent);
      },
      onShouldRetry: (error, attempt) => {
        clearTimeout(stallTimer); // The failed request is over; the next one is watched anew.
        if (!shouldRetry(error, attempt, request.retryDelays.length)) return false;
        request.onResuming?.();
        return true;
      },
      onSuccess: () => {
        clearTimeout(stallTimer);
        signal?.removeEventListener('abort', onAbort);
        resolve(fileId);
      },
      onError: (error) => {
        clearTimeout(stallTimer);
        signal?.removeEventListener('abort', onAbort);
        reject(toSdkError(error));
      },
      // Node's tus client reads Buffers and streams only: a Blob (a Node File) is read in chunks.
      ...(typeof XMLHttpRequest === 'undefined' ? { fileReader: blobReader } : {}),
    };
    const upload = new Upload(file as File, options);
    const onAbort = () => {
      clearTimeout(stallTimer);
      clearTimeout(restart);
      // Removes the unfinished upload from the server too, unless the caller means to go on
      // with it later; the batch itself is the caller's.
      upload.abort(!request.keepOnAbort).catch(() => {});
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    upload.start();
  });
}

function seconds(ms: number): string {
  return ms >= 1_000 ? `${Math.round(ms / 1_000)} s` : `${ms} ms`;
}

/**
 * Ends an unfinished upload on the server (tus termination: `DELETE` of its URL), removing
 * the bytes it holds; an upload the server no longer has counts as ended.
 */
export async function endResumable(url: string, request: Pick<ResumableRequest, 'headers' | 'credentials'>): Promise<void> {
  try {
    await Upload.terminate(url, {
      headers: await request.headers(),
      retryDelays: [],
      onBeforeRequest: (req: HttpRequest) => applyCredentials(req, request.credentials),
    });
  } catch (error) {
    const status = (error as DetailedError).originalResponse?.getStatus() ?? 0;
    if (status !== 404 && status !== 410) throw toSdkError(error as Error);
  }
}

/** In browsers, `credentials: 'include'` sends cookies with the tus client's request too (XMLHttpRequest's `withCredentials`). */
function applyCredentials(req: HttpRequest, credentials: RequestCredentials): void {
  const xhr: unknown = req.getUnderlyingObject();
  if (credentials === 'include' && typeof XMLHttpRequest !== 'undefined' && xhr instanceof XMLHttpRequest) xhr.withCredentials = true;
}

/** As the tus client decides by default: network errors and 5xx, 409 and 423 go again; other 4xx do not. */
function shouldRetry(error: DetailedError | Error, attempt: number, tries: number): boolean {
  if (attempt >= tries) return false;
  const status = 'originalResponse' in error ? (error.originalResponse?.getStatus() ?? 0) : 0;
  return status < 400 || status >= 500 || status === 409 || status === 423;
}

/** The SDK's error for a failed tus upload: the server's error envelope, or no answer at all. */
function toSdkError(error: Error): Error {
  const response = 'originalResponse' in error ? (error as DetailedError).originalResponse : null;
  const status = response?.getStatus() ?? 0;
  if (status >= 400) return apiErrorFromBody(status, response?.getBody() ?? '');
  return new NetworkError(undefined, { cause: error });
}

function nameOf(file: UploadFile): string {
  return typeof file.name === 'string' && file.name !== '' ? file.name : 'blob';
}

/** A tus `fileReader` for Node that reads a Blob one chunk at a time (the tus client's Node build takes Buffers and streams only). */
const blobReader: NonNullable<TusOptions['fileReader']> = {
  openFile: async (input) => {
    const blob = input as unknown as Blob;
    return {
      size: blob.size,
      slice: async (start: number, end: number) => {
        const bytes = new Uint8Array(await blob.slice(start, end).arrayBuffer());
        const value = Object.assign(bytes, { size: bytes.length });
        return { value, done: end >= blob.size };
      },
      close: () => {},
    } as unknown as Awaited<ReturnType<NonNullable<TusOptions['fileReader']>['openFile']>>;
  },
};
