/** Options of {@link createHttpProcessor}. */
export interface HttpProcessorOptions {
  /** The service each file is POSTed to. @example 'http://ocr.internal:8080/process' */
  url: string;
  /** Longest one request may take (sending the file and reading the answer); then the attempt is retried. @default 60000 */
  timeoutMs?: number;
  /** Extra headers sent with every request, e.g. the service's API key. @default {} */
  headers?: Record<string, string>;
  /** Largest JSON answer kept as a result, in bytes; a larger one fails the file (`RESULT_TOO_LARGE`). @default 1048576 */
  maxResultBytes?: number;
}

/** Defaults of {@link HttpProcessorOptions}. */
export const HTTP_PROCESSOR_DEFAULTS = Object.freeze({ timeoutMs: 60_000, maxResultBytes: 1024 * 1024 });

/** Fills defaults and rejects options that cannot work, naming the option. */
export function resolveHttpProcessorOptions(options: HttpProcessorOptions): Required<HttpProcessorOptions> {
  let url: URL;
  try {
    url = new URL(options?.url);
  } catch {
    throw new TypeError('createHttpProcessor: "url" must be an absolute http(s) URL, e.g. "http://ocr.internal:8080/process".');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('createHttpProcessor: "url" must be an http(s) URL.');
  const resolved = {
    url: url.href,
    timeoutMs: options.timeoutMs ?? HTTP_PROCESSOR_DEFAULTS.timeoutMs,
    headers: { ...options.headers },
    maxResultBytes: options.maxResultBytes ?? HTTP_PROCESSOR_DEFAULTS.maxResultBytes,
  };
  for (const name of ['timeoutMs', 'maxResultBytes'] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`createHttpProcessor: "${name}" must be a whole number ≥ 1, got ${String(value)}.`);
  }
  return resolved;
}
