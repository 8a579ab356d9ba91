import type { HistoryCursor } from '../store/records.js';
import { ApiError } from './api-error.js';

/** Opaque text for a history page position. */
export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.created_at.getTime(), cursor.id])).toString('base64url');
}

/** Reads a cursor from a query string; anything not made by {@link encodeCursor} answers 400. */
export function decodeCursor(text: string): HistoryCursor {
  try {
    if (text.length > 200) throw new Error('too long');
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string' && value[1].length <= 64) {
      return { created_at: new Date(value[0] as number), id: value[1] };
    }
  } catch {
    // Falls through to the same answer as a well-formed but wrong value.
  }
  throw new ApiError('INVALID_QUERY', { message: 'The "cursor" parameter is not valid.', details: { parameter: 'cursor' } });
}
