import type { BatchRecord } from '../../store/records.js';
import { BatchUpkeep } from './mongo-batch-upkeep.js';
import { givenClock, serverClock, type MongoClock, type NowExpression } from './mongo-clock.js';
import type { MongoConnection } from './mongo-connection.js';
import { toBatchRecord, type BatchDoc } from './mongo-documents.js';
import { collectionsOf, ensureIndexes, type MongoCollections } from './mongo-schema.js';

/** Batches the store reads and writes: those not hidden (half created, or being deleted). */
export const VISIBLE = Object.freeze({ hidden: { $exists: false } });

/**
 * What every role of one MongoStore works on: its collections (once `open()` ran), its
 * clock, and the batch upkeep every file transition shares.
 */
export class MongoStoreContext {
  readonly #connection: MongoConnection;
  readonly #prefix: string;
  readonly #clock: MongoClock;
  #collections: MongoCollections | null = null;
  #upkeep: BatchUpkeep | null = null;
  #opening: Promise<void> | null = null;

  constructor(connection: MongoConnection, prefix: string, clock: (() => number) | undefined) {
    this.#connection = connection;
    this.#prefix = prefix;
    this.#clock = clock ? givenClock(clock) : serverClock(() => connection.db, 'MongoStore');
  }

  /** Connects and creates the indexes; overlapping calls share one attempt. */
  async open(): Promise<void> {
    this.#opening ??= (async () => {
      const db = await this.#connection.open();
      const collections = collectionsOf(db, this.#prefix);
      await ensureIndexes(collections);
      this.#collections = collections;
      this.#upkeep = new BatchUpkeep(collections, this.#clock);
    })();
    try {
      await this.#opening;
    } catch (error) {
      this.#opening = null;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#opening = null;
    this.#collections = null;
    this.#upkeep = null;
    await this.#connection.close();
  }

  /** The store's collections; throws when `init()` has not run or the store was closed. */
  get collections(): MongoCollections {
    if (!this.#collections) throw notOpen();
    return this.#collections;
  }

  /** Settle, counts, cancel and pause propagation, repair (see {@link BatchUpkeep}). */
  get upkeep(): BatchUpkeep {
    if (!this.#upkeep) throw notOpen();
    return this.#upkeep;
  }

  /** The instant a write uses (see {@link MongoClock.expr}). */
  nowExpr(): NowExpression {
    return this.#clock.expr();
  }

  /** The store's clock, read before a write. */
  now(): Promise<Date> {
    return this.#clock.now();
  }

  /** The instant `olderThanMs` before now, on the store's clock, so every instance computes cutoffs alike. */
  async cutoff(olderThanMs: number): Promise<Date> {
    return new Date((await this.now()).getTime() - olderThanMs);
  }

  /** Batch documents as records, with counts derived from their files. */
  async withCounts(docs: BatchDoc[]): Promise<BatchRecord[]> {
    if (docs.length === 0) return [];
    const counts = await this.upkeep.countsOf(docs.map((d) => d._id));
    return docs.map((doc) => {
      const { counts: byStatus, ...review } = counts.get(doc._id)!;
      return toBatchRecord(doc, byStatus, review);
    });
  }

  /** A batch by id alone (callers have already checked the workspace). */
  async recordById(batchId: string): Promise<BatchRecord | null> {
    const batch = await this.collections.batches.findOne({ _id: batchId });
    return batch ? (await this.withCounts([batch]))[0]! : null;
  }
}

function notOpen(): Error {
  return new Error('MongoStore: call init() before using the store (or it was closed).');
}

/** Checks a duration argument; a negative or non-finite one is a caller's bug. */
export function duration(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`MongoStore: \`${name}\` must be a finite number of milliseconds ≥ 0.`);
  }
  return Math.trunc(value);
}
