import type { RequestHandler } from 'express';
import { HISTORY_PAGE, type BatchHistoryResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { decodeCursor, encodeCursor } from '../http/history-cursor.js';
import { toWireSummary } from '../http/to-wire.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';

/** `GET /batch-history?limit&cursor`: the caller's batches, newest first, by keyset pages. */
export function historyHandler({ engine }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const { limit, cursor } = readQuery(req.query);
    // One extra row tells whether an older page exists without a count query.
    const rows = await engine.listBatches(callerOf(res).workspace_id, { limit: limit + 1, ...(cursor ? { cursor } : {}) });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const body: BatchHistoryResponse = {
      status: 'success',
      batches: page.map(toWireSummary),
      next_cursor: rows.length > limit && last ? encodeCursor({ created_at: last.created_at, id: last.id }) : null,
    };
    res.json(body);
  };
}

function readQuery(query: Record<string, unknown>) {
  for (const name of Object.keys(query)) {
    if (name !== 'limit' && name !== 'cursor') {
      throw new ApiError('INVALID_QUERY', { message: `Unknown query parameter "${name}".`, details: { parameter: name } });
    }
  }
  let limit: number = HISTORY_PAGE.default;
  if (query.limit !== undefined) {
    const text = query.limit;
    if (typeof text !== 'string' || !/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > HISTORY_PAGE.max) {
      throw new ApiError('INVALID_QUERY', {
        message: `"limit" must be a whole number from 1 to ${HISTORY_PAGE.max}.`,
        details: { parameter: 'limit' },
      });
    }
    limit = Number(text);
  }
  let cursor;
  if (query.cursor !== undefined) {
    if (typeof query.cursor !== 'string') throw new ApiError('INVALID_QUERY', { details: { parameter: 'cursor' } });
    cursor = decodeCursor(query.cursor);
  }
  return { limit, cursor };
}
