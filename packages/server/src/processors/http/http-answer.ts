import { FILE_ERRORS } from '@batch-uploader/protocol';
import { PermanentError, TransientError } from '../processor.js';

/** A code a service may send in its error answer: kept when it looks like one of ours. */
const CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

/** Clerk-readable reasons by status; the service's own text is never shown (it may quote the document). */
const REASONS: Readonly<Record<number, string>> = Object.freeze({
  400: 'The processing service could not accept this document.',
  413: 'The document is too large for the processing service.',
  415: 'The processing service does not accept this type of document.',
  422: 'The processing service could not read this document.',
});

/** The 2xx answer's JSON (null for an empty answer), read up to `maxBytes`. */
export async function readJsonAnswer(response: Response, maxBytes: number, timeout: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    text = await readText(response, maxBytes);
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    if (timeout.aborted) throw new TransientError('The processing service did not answer in time.', { cause: error });
    throw new TransientError('The answer of the processing service was cut off.', { cause: error });
  }
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TransientError('The processing service answered with something other than JSON.');
  }
}

/** The PermanentError of a 4xx answer: the service's error code when it sends a well-formed one. */
export async function rejectionOf(response: Response): Promise<PermanentError> {
  let code = 'REJECTED_BY_PROCESSOR';
  try {
    const body = JSON.parse(await readText(response, 16_384)) as { code?: unknown; error?: { code?: unknown } } | null;
    const given = body?.error?.code ?? body?.code;
    if (typeof given === 'string' && CODE.test(given)) code = given;
  } catch {
    // No JSON, or too long: the generic code stays.
  }
  return new PermanentError(code, REASONS[response.status] ?? FILE_ERRORS.REJECTED_BY_PROCESSOR);
}

async function readText(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new PermanentError('RESULT_TOO_LARGE', FILE_ERRORS.RESULT_TOO_LARGE);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
