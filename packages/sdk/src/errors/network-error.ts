import { SdkError, hasMarker } from './sdk-error.js';

/** No answer came: the server is unreachable, the connection dropped, or CORS refused it. */
export class NetworkError extends SdkError {
  override readonly name = 'NetworkError';
  /** Always `NETWORK_ERROR`. */
  readonly code = 'NETWORK_ERROR' as const;
  /**
   * The request went from a browser page to a server on another origin. A browser
   * tells a request that the server's CORS settings refused from one that never
   * reached it by nothing at all, so the message then names CORS as a possible cause.
   */
  readonly crossOrigin: boolean;
  /**
   * An upload request was given up because no byte of it left for `stallTimeoutMs`
   * (a connection that hangs, a proxy that stopped reading). Its body was not all sent,
   * so the server cannot have kept it, and sending it again is safe.
   */
  readonly stalled: boolean;

  constructor(
    message = 'The server could not be reached. Check the connection and try again.',
    options?: { cause?: unknown; crossOrigin?: boolean; stalled?: boolean },
  ) {
    super(message, options);
    this.crossOrigin = options?.crossOrigin ?? false;
    this.stalled = options?.stalled ?? false;
  }
}

/** True when a request got no answer at all. */
export function isNetworkError(error: unknown): error is NetworkError {
  return error instanceof NetworkError || hasMarker(error, ['NetworkError']);
}

/**
 * The error of a request to `url` that got no answer. From a browser page to another
 * origin, it says that the server's cross-origin settings may be the cause, naming
 * both origins, since a refused request and an unreachable server look the same there.
 */
export function noAnswer(url: string, cause?: unknown): NetworkError {
  const page = globalThis.location?.origin;
  let target: string | null = null;
  try {
    target = new URL(url, globalThis.location?.href).origin;
  } catch {
    // Not a URL: nothing to compare.
  }
  if (!page || page === 'null' || !target || target === page) return new NetworkError(undefined, { cause });
  return new NetworkError(
    `The server at ${target} could not be reached. It is on another origin than this page, so its cross-origin settings (CORS) may not allow ${page}. Check the connection, or ask the server's administrator to allow this page.`,
    { cause, crossOrigin: true },
  );
}
