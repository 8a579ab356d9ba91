import type { ProcessorContext, ProcessorFile } from '../processor.js';
import { TransientError } from '../processor.js';
import { resolveHttpProcessorOptions, type HttpProcessorOptions } from './http-processor-options.js';
import { readJsonAnswer, rejectionOf } from './http-answer.js';

/** Header carrying the file's context as JSON (ASCII only: other characters are `\uXXXX` escapes). */
export const CONTEXT_HEADER = 'X-Batch-Uploader-Context';

/** What the service is told about a file, in {@link CONTEXT_HEADER}. */
export interface HttpProcessorContext {
  file_id: string;
  batch_id: string;
  workspace_id: string;
  /** The client's filename, sanitised: data only, never a path. */
  filename: string;
  size: number;
  detected_type: string | null;
  /** 1 on the first try. */
  attempt: number;
  patient_id: string | null;
  template_id: string | null;
  encounter_id: string | null;
}

/** A processor that hands each file to an HTTP service. */
export type HttpProcessor = ((file: ProcessorFile, context: ProcessorContext) => Promise<unknown>) & {
  /** Nothing to release (no threads, no pool); present so a host can close any processor alike. */
  close(): Promise<void>;
};

/**
 * A processor that POSTs each file to a service written in any language (AI
 * extraction, OCR, filing into an EHR) and stores the JSON it answers as the file's
 * result. The body is the file's raw bytes (`Content-Type`: the type sniffed at upload);
 * the context travels as JSON in the `X-Batch-Uploader-Context` header.
 *
 * A timeout, a network error, a redirect, a 5xx, 408, 425 or 429 answer, or a 2xx that
 * is not JSON are transient: the engine tries again with backoff (honouring
 * `Retry-After`). Any other 4xx fails the file at once, with a sentence a clerk
 * understands and the service's error code when it sends one — never the service's
 * own text, which may quote the document.
 * @example createHttpProcessor({ url: 'http://ocr.internal:8080/process', timeoutMs: 30_000, headers: { Authorization: `Bearer ${key}` } })
 */
export function createHttpProcessor(options: HttpProcessorOptions): HttpProcessor {
  const { url, timeoutMs, headers, maxResultBytes } = resolveHttpProcessorOptions(options);

  const process = async (file: ProcessorFile, context: ProcessorContext): Promise<unknown> => {
    context.signal.throwIfAborted();
    const bytes = await file.read();
    const described: HttpProcessorContext = {
      file_id: file.file_id,
      batch_id: file.batch_id,
      workspace_id: context.workspace_id,
      filename: file.filename,
      size: file.size,
      detected_type: file.detected_type,
      attempt: context.attempt,
      patient_id: context.patient_id,
      template_id: context.template_id,
      encounter_id: context.encounter_id,
    };
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        // A Buffer read from a stream is backed by a plain ArrayBuffer, as fetch bodies want.
        body: bytes as Uint8Array<ArrayBuffer>,
        redirect: 'manual',
        signal: AbortSignal.any([context.signal, timeout]),
        headers: {
          ...headers,
          'Content-Type': file.detected_type ?? 'application/octet-stream',
          Accept: 'application/json',
          [CONTEXT_HEADER]: asciiJson(described),
        },
      });
    } catch (error) {
      // The engine's own abort (lease lost, shutdown, its time limit) is the engine's to judge.
      if (context.signal.aborted) throw context.signal.reason;
      if (timeout.aborted) throw new TransientError('The processing service did not answer in time.', { cause: error });
      throw new TransientError('The processing service could not be reached.', { cause: error });
    }

    if (response.ok) return readJsonAnswer(response, maxResultBytes, timeout);
    if (response.status >= 400 && response.status < 500 && ![408, 425, 429].includes(response.status)) throw await rejectionOf(response);
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 300 && response.status < 400) {
      throw new TransientError('The processing service answered with a redirect; its address may have changed.');
    }
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    throw new TransientError(`The processing service is unavailable (HTTP ${response.status}).`, retryAfterMs === undefined ? {} : { retryAfterMs });
  };
  return Object.assign(process, { close: async () => {} });
}

/** JSON with every character outside printable ASCII escaped, so it is a valid header value. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), capped at 10 minutes. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(600_000, Math.max(0, Math.round(ms))) : undefined;
}
