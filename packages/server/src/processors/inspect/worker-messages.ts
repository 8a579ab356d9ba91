import type { InspectionResult } from '@batch-uploader/protocol';
import { PermanentError, isPermanentError } from '../processor.js';
import type { DecodeBudget } from './budgets.js';
import type { DocumentTemplate } from '../documents/templates.js';

/** Asks a parser process to read the document too, after inspecting it (the documents processor). */
export interface ReadRequest {
  /** The template to read it with; null classifies it. */
  template_id: string | null;
  /** The workspace's own templates, besides the built-in ones. */
  templates: DocumentTemplate[];
  /** Pages read from the start, by text layer or OCR. */
  maxPages: number;
}

/** A document sent to a parser process, with what to do with it. */
export interface InspectRequest {
  bytes: Uint8Array;
  maxTextChars: number;
  budget: DecodeBudget;
  /** Read the document's text, type and fields as well. */
  read?: ReadRequest;
}

/** What a parser process sends back: once `ready`, then one `done` or `failed` per request. */
export type InspectReply = { type: 'ready' } | { type: 'done'; result: InspectionResult } | { type: 'failed'; error: SerializedError };

/**
 * An error as it crosses the process boundary. Only codes and names travel: library
 * messages may quote bytes of the document, so they stay in the parser process.
 */
export type SerializedError = { kind: 'permanent'; code: string; message: string } | { kind: 'other'; name: string };

/** Flattens an error for the message channel, keeping a permanent error's code and message. */
export function serializeError(error: unknown): SerializedError {
  if (isPermanentError(error)) return { kind: 'permanent', code: error.code, message: error.message };
  return { kind: 'other', name: error instanceof Error ? error.name : typeof error };
}

/** Rebuilds an error on the server's side: a `PermanentError` stays one, anything else is transient. */
export function deserializeError(error: SerializedError): Error {
  if (error.kind === 'permanent') return new PermanentError(error.code, error.message);
  return new Error(`Inspecting the document failed unexpectedly (${error.name}).`);
}
