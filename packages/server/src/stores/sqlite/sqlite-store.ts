import { assertPeersInstalled } from '../../shared/peer-dependency.js';
import type { Store } from '../../store/store.js';
import { SqliteAnalytics } from './sqlite-analytics.js';
import { SqliteBatchControl } from './sqlite-batch-control.js';
import { SqliteBatchRecords } from './sqlite-batch-records.js';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteFileQueue } from './sqlite-file-queue.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { SqliteRetention } from './sqlite-retention.js';
import { SQLITE_FEATURE } from './sqlite-schema.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Path of the database file; its folder is created by `init()`. Several processes may
   * share one file on one machine (not over a network file system).
   * @example './data/batch-uploader.sqlite'
   */
  path: string;
  /**
   * The store's clock, in epoch milliseconds. Replace it only to test time-dependent rules.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Milliseconds a write waits for the file's lock while another process (another server
   * instance, a backup, a long migration) holds it; past it the request answers
   * 503 UNAVAILABLE with Retry-After. The wait blocks this process, so keep it short.
   * @default 5000
   */
  busyTimeoutMs?: number;
}

/**
 * The embedded default store: batches and files in one SQLite file, shared safely by
 * several processes. Every role of a {@link Store} — outbox and analytics included — is
 * a class of its own on one connection; this class opens and closes that connection.
 * @example
 * const store = new SqliteStore({ path: './data/batches.sqlite' });
 * await store.init();
 * const engine = new BatchEngine({ store, blobs, processor });
 */
export class SqliteStore implements Store {
  readonly records: SqliteBatchRecords;
  readonly control: SqliteBatchControl;
  readonly queue: SqliteFileQueue;
  readonly retention: SqliteRetention;
  readonly outbox: SqliteOutbox;
  readonly analytics: SqliteAnalytics;
  readonly #db: SqliteConnection;

  constructor(options: SqliteStoreOptions) {
    if (typeof options?.path !== 'string' || options.path.trim() === '') {
      throw new TypeError('SqliteStore: `path` must name the database file, e.g. "./data/batches.sqlite".');
    }
    // Named now rather than at init(): better-sqlite3 is an optional peer.
    assertPeersInstalled(SQLITE_FEATURE, 'better-sqlite3');
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new TypeError(`SqliteStore: \`busyTimeoutMs\` must be a whole number of milliseconds, 0 or more (got ${String(options.busyTimeoutMs)}).`);
    }
    this.#db = new SqliteConnection(options.path, options.now ?? Date.now, busyTimeoutMs);
    this.records = new SqliteBatchRecords(this.#db);
    this.control = new SqliteBatchControl(this.#db);
    this.queue = new SqliteFileQueue(this.#db);
    this.retention = new SqliteRetention(this.#db);
    this.outbox = new SqliteOutbox(this.#db);
    this.analytics = new SqliteAnalytics(this.#db);
  }

  async init(): Promise<void> {
    await this.#db.open();
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
