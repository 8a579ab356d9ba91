import type { MultipartBody } from './multipart.js';

/** One upload request, ready to send. */
export interface UploadRequest {
  url: string;
  /** Every header to send, auth included; the transport adds `Content-Type`. */
  headers: Record<string, string>;
  body: MultipartBody;
  signal: AbortSignal | undefined;
  /** Give up after this many milliseconds; `false` never. */
  timeout: number | false;
  /** Whether cookies go with the request (fetch's `credentials`). */
  credentials: RequestCredentials;
  /** Called with the count of body bytes sent so far. */
  onProgress: (sent: number) => void;
}

/** What came back: the HTTP status and the body text. */
export interface UploadAnswer {
  status: number;
  text: string;
}

/**
 * Sends a multipart upload and reports bytes sent. Rejects with NetworkError,
 * TimeoutError or an AbortError; an HTTP error status is an answer, not a rejection.
 */
export type UploadTransport = (request: UploadRequest) => Promise<UploadAnswer>;
