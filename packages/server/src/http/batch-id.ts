import { randomUUID } from 'node:crypto';
import { ApiError } from './api-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new, unguessable id for a batch or a file. */
export function newId(): string {
  return randomUUID();
}

/** Checks the form of a batch id from a URL; a malformed one answers 400. */
export function parseBatchId(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new ApiError('INVALID_BATCH_ID');
  return value;
}
