import type { BatchAnalytics } from '@batch-uploader/protocol';

/** Figures of a workspace's batches and files created in a time range: the wire's analytics without its range. */
export type WorkspaceAnalytics = Omit<BatchAnalytics, 'since' | 'until'>;

/**
 * A workspace's figures, computed by the store's own queries. An optional capability of
 * a `Store`: without it the analytics route answers `NOT_SUPPORTED`.
 */
export interface Analytics {
  /**
   * Figures of a workspace's batches and files created from `since` up to `until`: per
   * UTC day, totals, success rate, processing time percentiles and the top failure
   * codes (see {@link WorkspaceAnalytics}). Computed by the store's own queries, without
   * reading the files' records one by one into memory.
   */
  getAnalytics(workspaceId: string, range: { since: Date; until: Date }): Promise<WorkspaceAnalytics>;
}
