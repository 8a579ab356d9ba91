/** How an express-rate-limit result looks to {@link RateLimitStore}. */
export interface RateLimitHits {
  totalHits: number;
  resetTime: Date | undefined;
}

/**
 * A store of express-rate-limit (its `Store`: Redis, Memcached, a database), described
 * by the methods the limiter needs, so that the published types need no `@types/express`
 * (which express-rate-limit's own types import).
 */
export interface RateLimitStore {
  increment(key: string): Promise<RateLimitHits> | RateLimitHits;
  decrement(key: string): Promise<void> | void;
  resetKey(key: string): Promise<void> | void;
}

/** How many uploads each workspace may make per window. */
export interface UploadRateLimit {
  /** Requests that queue files (new batches, appended files, retries of failed files) per window and workspace. @example 60 */
  limit: number;
  /** The window, in milliseconds. @default 60000 */
  windowMs?: number;
  /**
   * Where counts are kept. The default memory store counts per process: with several
   * instances, each allows `limit`. Give a shared express-rate-limit store (Redis,
   * Memcached…) to count across them.
   * @default a MemoryStore of this process
   */
  store?: RateLimitStore;
}
