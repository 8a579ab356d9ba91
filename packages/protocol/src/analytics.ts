/** What happened in one UTC day (batches and files by their creation time). */
export interface AnalyticsDay {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  batches: number;
  files: number;
  /** Files of that day now completed, failed or cancelled. */
  completed: number;
  failed: number;
  cancelled: number;
}

/** Figures of the caller's workspace over a time range. */
export interface BatchAnalytics {
  /** Start of the range (inclusive). */
  since: string;
  /** End of the range: the time of the answer. */
  until: string;
  /** Every UTC day of the range, oldest first, days without activity included. */
  days: AnalyticsDay[];
  /** Batches and files created in the range, files by their status now. */
  totals: { batches: number; files: number; pending: number; processing: number; completed: number; failed: number; cancelled: number };
  /** completed ÷ (completed + failed), 4 decimals; null when no file ended either way. */
  success_rate: number | null;
  /** Of completed files: completed_at − started_at (first start to completion), nearest-rank percentiles. */
  processing_time_ms: { p50: number | null; p95: number | null; samples: number };
  /** Codes of failed files, most frequent first, at most 10. */
  top_failures: { code: string; count: number }[];
  /**
   * Files held for review (a document naming another patient), by reason code, most
   * frequent first: how many wait, and how many staff confirmed or rejected. Absent from
   * servers that predate review.
   */
  reviews?: { code: string; awaiting: number; confirmed: number; rejected: number }[];
}

/** Answer to `GET /batch-analytics`. */
export interface AnalyticsResponse {
  status: 'success';
  analytics: BatchAnalytics;
}

/** Range of `GET /batch-analytics`: the default when `since` is not given, and the longest allowed. */
export const ANALYTICS_RANGE = Object.freeze({ defaultDays: 30, maxDays: 366 });
