import type { Store } from '../../store/store.js';
import { MongoAnalytics } from './mongo-analytics.js';
import { MongoBatchControl } from './mongo-batch-control.js';
import { MongoBatchRecords } from './mongo-batch-records.js';
import { MongoConnection, type MongoConnectionOptions } from './mongo-connection.js';
import { MongoFileQueue } from './mongo-file-queue.js';
import { MongoOutbox } from './mongo-outbox.js';
import { MongoRetention } from './mongo-retention.js';
import { DEFAULT_COLLECTION_PREFIX } from './mongo-schema.js';
import { MongoStoreContext } from './mongo-store-context.js';

/** Options of {@link MongoStore}. */
export interface MongoStoreOptions extends MongoConnectionOptions {
  /**
   * Prefix of the collection names (`<prefix>batches`, `<prefix>files`), so that several
   * deployments can share one database.
   * @default "batch_uploader_"
   */
  collectionPrefix?: string;
  /**
   * The store's clock, in epoch milliseconds. Replace it only to test time-dependent
   * rules: by default every instant is the server's (see below), which is what lets
   * instances with different clocks share one queue.
   * @default the server's clock
   */
  now?: () => number;
}

/**
 * Batches and files in MongoDB, for any number of server instances sharing one queue.
 * Every role of a {@link Store} — outbox and analytics included — is a class of its own
 * on one connection; this class opens and closes that connection.
 *
 * Time is the server's: `$$NOW` in every update and lease test, and the server's clock
 * (from `hello`) for creation times and retention cutoffs. Writes use majority write
 * concern and reads go to the primary. No transactions are needed (see BatchUpkeep for
 * how batches stay consistent with their files), so a replica set is recommended for
 * durability but a standalone server works.
 */
export class MongoStore implements Store {
  readonly records: MongoBatchRecords;
  readonly control: MongoBatchControl;
  readonly queue: MongoFileQueue;
  readonly retention: MongoRetention;
  readonly outbox: MongoOutbox;
  readonly analytics: MongoAnalytics;
  readonly #context: MongoStoreContext;

  constructor(options: MongoStoreOptions) {
    const connection = new MongoConnection(options, 'MongoStore');
    const prefix = options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX;
    if (typeof prefix !== 'string' || !/^[A-Za-z0-9_.-]{0,64}$/.test(prefix)) {
      throw new TypeError('MongoStore: `collectionPrefix` must be up to 64 characters of A-Z, a-z, 0-9, "_", "." or "-".');
    }
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('MongoStore: `now` must be a function.');
    this.#context = new MongoStoreContext(connection, prefix, options.now);
    this.records = new MongoBatchRecords(this.#context);
    this.control = new MongoBatchControl(this.#context);
    this.queue = new MongoFileQueue(this.#context);
    this.retention = new MongoRetention(this.#context);
    this.outbox = new MongoOutbox(this.#context);
    this.analytics = new MongoAnalytics(this.#context);
  }

  async init(): Promise<void> {
    await this.#context.open();
  }

  async close(): Promise<void> {
    await this.#context.close();
  }
}
