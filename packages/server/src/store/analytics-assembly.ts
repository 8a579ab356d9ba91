import type { AnalyticsDay, FileStatus } from '@batch-uploader/protocol';
import type { WorkspaceAnalytics } from './analytics.js';

/** Most failure codes an analytics answer lists. */
export const TOP_FAILURES = 10;

/** What a store counted, grouped by UTC day (`YYYY-MM-DD`). */
export interface AnalyticsCounts {
  batchesPerDay: { day: string; n: number }[];
  filesPerDay: { day: string; status: FileStatus; n: number }[];
  failures: { code: string; n: number }[];
  /** Files held for review, by reason code and decision (null: waiting). */
  reviews: { code: string; decision: string | null; n: number }[];
}

/**
 * The 0-based positions, in ascending order of `samples` values, of the nearest-rank
 * p50 and p95 (rank ⌈p·n/100⌉): a store reads just those two values of its sorted durations.
 */
export function percentileOffsets(samples: number): { p50: number; p95: number } | null {
  if (samples <= 0) return null;
  const rank = (p: number) => Math.max(1, Math.ceil((p * samples) / 100)) - 1;
  return { p50: rank(50), p95: rank(95) };
}

/** The UTC day (`YYYY-MM-DD`) of an instant. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Assembles a store's counts into the analytics answer: every day of the range (empty
 * ones too), totals, success rate, and the failure codes merged and ranked.
 */
export function assembleAnalytics(
  range: { since: Date; until: Date },
  counts: AnalyticsCounts,
  processing: { p50: number | null; p95: number | null; samples: number },
): WorkspaceAnalytics {
  const days = new Map<string, AnalyticsDay>();
  const first = Date.UTC(range.since.getUTCFullYear(), range.since.getUTCMonth(), range.since.getUTCDate());
  for (let at = first; at <= range.until.getTime(); at += 86_400_000) {
    const date = utcDay(new Date(at));
    days.set(date, { date, batches: 0, files: 0, completed: 0, failed: 0, cancelled: 0 });
  }
  const day = (date: string) => days.get(date) ?? days.set(date, { date, batches: 0, files: 0, completed: 0, failed: 0, cancelled: 0 }).get(date)!;
  const totals = { batches: 0, files: 0, pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const { day: date, n } of counts.batchesPerDay) {
    day(date).batches += n;
    totals.batches += n;
  }
  for (const { day: date, status, n } of counts.filesPerDay) {
    const row = day(date);
    row.files += n;
    if (status === 'completed' || status === 'failed' || status === 'cancelled') row[status] += n;
    if (status in totals) totals[status] += n;
    totals.files += n;
  }
  const merged = new Map<string, number>();
  for (const { code, n } of counts.failures) merged.set(code, (merged.get(code) ?? 0) + n);
  const ended = totals.completed + totals.failed;
  return {
    days: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)),
    totals,
    success_rate: ended === 0 ? null : Math.round((totals.completed / ended) * 10_000) / 10_000,
    processing_time_ms: processing,
    top_failures: [...merged]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
      .slice(0, TOP_FAILURES),
    reviews: reviewsByCode(counts.reviews),
  };
}

/** Review counts merged by reason code, most flagged first. */
function reviewsByCode(rows: AnalyticsCounts['reviews']): NonNullable<WorkspaceAnalytics['reviews']> {
  const byCode = new Map<string, { code: string; awaiting: number; confirmed: number; rejected: number }>();
  for (const { code, decision, n } of rows) {
    const entry = byCode.get(code) ?? byCode.set(code, { code, awaiting: 0, confirmed: 0, rejected: 0 }).get(code)!;
    if (decision === 'confirmed' || decision === 'rejected') entry[decision] += n;
    else entry.awaiting += n;
  }
  const total = (e: { awaiting: number; confirmed: number; rejected: number }) => e.awaiting + e.confirmed + e.rejected;
  return [...byCode.values()].sort((a, b) => total(b) - total(a) || a.code.localeCompare(b.code));
}
