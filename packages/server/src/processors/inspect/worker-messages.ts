import type { InspectionResult } from '@batch-uploader/protocol';
import { PermanentError, isPermanentError } from '../processor.js';

/** A document sent to a parser thread; its buffer is transferred, not copied. */
export interface InspectRequest {
  bytes: Uint8Array;
  maxTextChars: number;
}

/** What a parser thread posts back: once `ready`, then one `done` or `failed` per request. */
export type InspectReply =
  | { type: 'ready' }
  | { type: 'done'; result: InspectionResult }
  | { type: 'failed'; error: SerializedError };

/**
 * An error as it crosses the thread boundary. Only codes and names travel: library
 * messages may quote bytes of the document, so they stay in the parser thread.
 */
export type SerializedError = { kind: 'permanent'; code: string; message: string } | { kind: 'other'; name: string };

/** Flattens an error for `postMessage`, keeping a permanent error's code and message. */
export function serializeError(error: unknown): SerializedError {
  if (isPermanentError(error)) return { kind: 'permanent', code: error.code, message: error.message };
  return { kind: 'other', name: error instanceof Error ? error.name : typeof error };
}

/** Rebuilds an error on the main thread: a `PermanentError` stays one, anything else is transient. */
export function deserializeError(error: SerializedError): Error {
  if (error.kind === 'permanent') return new PermanentError(error.code, error.message);
  return new Error(`Inspecting the document failed unexpectedly (${error.name}).`);
}
