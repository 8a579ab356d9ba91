import type { RequestHandler } from 'express';
import { ANALYTICS_RANGE, type AnalyticsResponse } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';

const DAY_MS = 86_400_000;
/** A date (`2026-01-31`) or a date and time with a zone (`2026-01-31T08:00:00Z`, `…+01:00`). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * `GET /batch-analytics?since=<ISO date>`: the caller's workspace from `since` (default
 * 30 days ago, at most 366 days ago) until now: batches and files per UTC day, totals,
 * success rate, p50/p95 processing time, top failure codes. Computed by the store;
 * `NOT_SUPPORTED` (501) when the store has no analytics.
 */
export function analyticsHandler({ engine }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const until = new Date();
    const since = readSince(req.query, until);
    const analytics = await engine.getAnalytics(callerOf(res).workspace_id, { since, until });
    const body: AnalyticsResponse = {
      status: 'success',
      analytics: { since: since.toISOString(), until: until.toISOString(), ...analytics },
    };
    res.json(body);
  };
}

function readSince(query: Record<string, unknown>, now: Date): Date {
  for (const name of Object.keys(query)) {
    if (name !== 'since') throw new ApiError('INVALID_QUERY', { message: `Unknown query parameter "${name}".`, details: { parameter: name } });
  }
  if (query.since === undefined) return new Date(now.getTime() - ANALYTICS_RANGE.defaultDays * DAY_MS);
  // An offset's "+" sent unencoded (`?since=2026-01-31T08:00:00+01:00`) arrives as a space.
  const text = typeof query.since === 'string' ? query.since.replace(/ (\d{2}:\d{2})$/, '+$1') : query.since;
  const since = typeof text === 'string' && ISO_DATE.test(text) ? new Date(text) : null;
  if (!since || Number.isNaN(since.getTime()) || !isCalendarDate((text as string).slice(0, 10))) {
    throw new ApiError('INVALID_QUERY', {
      message: '"since" must be an ISO 8601 date such as 2026-01-31 or 2026-01-31T08:00:00Z.',
      details: { parameter: 'since' },
    });
  }
  if (since.getTime() > now.getTime()) {
    throw new ApiError('INVALID_QUERY', { message: '"since" cannot be in the future.', details: { parameter: 'since' } });
  }
  if (now.getTime() - since.getTime() > ANALYTICS_RANGE.maxDays * DAY_MS) {
    throw new ApiError('INVALID_QUERY', {
      message: `"since" may be at most ${ANALYTICS_RANGE.maxDays} days ago.`,
      details: { parameter: 'since', max_days: ANALYTICS_RANGE.maxDays },
    });
  }
  return since;
}

/** True for a day that exists: Date rolls "2026-02-31" over to March instead of refusing it. */
function isCalendarDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}
