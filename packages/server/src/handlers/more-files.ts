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
