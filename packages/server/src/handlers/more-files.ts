import { ApiError } from '../http/api-error.js';

/**
 * The `more_files` field of an upload or append: "true" holds the batch open for the
 * next part; absent or "false" is the last part and releases any hold.
 */
export function readMoreFiles(fields: Record<string, unknown>): boolean {
  const value = fields.more_files;
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ApiError('INVALID_FIELD', { message: 'more_files must be "true" or "false", sent once.', details: { field: 'more_files' } });
}

/**
 * The `expected_files` field of an upload: how many files the whole upload (this request
 * and the appends after it) means to send, a whole number ≥ 1; null when absent. More
 * than the batch may hold is taken as said: the append that would pass the limit is
 * refused then, as without it.
 */
export function readExpectedFiles(fields: Record<string, unknown>): number | null {
  const value = fields.expected_files;
  if (value === undefined) return null;
  const count = typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : 0;
  if (count < 1) {
    throw new ApiError('INVALID_FIELD', { message: 'expected_files must be a whole number of at least 1, sent once.', details: { field: 'expected_files' } });
  }
  return count;
}
