import { ApiError } from '../http/api-error.js';

/**
 * The `more_files` field of an upload or append: "true" holds the batch open for the
 * next part (for `holdMs`); absent or "false" is the last part and releases any hold.
 * Returns the hold to store, or null.
 */
export function readHold(fields: Record<string, unknown>, holdMs: number): number | null {
  const value = fields.more_files;
  if (value === undefined || value === 'false') return null;
  if (value === 'true') return holdMs;
  throw new ApiError('INVALID_FIELD', { message: 'more_files must be "true" or "false", sent once.', details: { field: 'more_files' } });
}
