import { Long } from 'bson';
import type { Document } from 'bson';
import { CommandError } from './command-error.js';
import { MemoryCollection } from './memory-collection.js';

/** First batches hold this many documents unless the command says otherwise (as in mongod). */
const DEFAULT_FIRST_BATCH = 101;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
}

/** Everything the test server holds: databases of collections, and open cursors. */
export class MemoryState {
  readonly #databases = new Map<string, Map<string, MemoryCollection>>();
  readonly #cursors = new Map<number, OpenCursor>();
  #nextCursorId = 1_000;

  /** A collection; created on first write (`create`), as mongod creates collections implicitly. */
  collection(db: string, name: string, create: true): MemoryCollection;
  collection(db: string, name: string, create?: false): MemoryCollection | null;
  collection(db: string, name: string, create = false): MemoryCollection | null {
    if (typeof name !== 'string' || name === '' || name.includes('$')) {
      throw new CommandError('InvalidOptions', `invalid collection name: ${String(name)}`);
    }
    let collections = this.#databases.get(db);
    if (!collections) {
      if (!create) return null;
      collections = new Map();
      this.#databases.set(db, collections);
    }
    let collection = collections.get(name);
    if (!collection && create) {
      collection = new MemoryCollection(db, name);
      collections.set(name, collection);
    }
    return collection ?? null;
  }

  /** The collections of a database. */
  collections(db: string): MemoryCollection[] {
    return [...(this.#databases.get(db)?.values() ?? [])];
  }

  /** Removes a collection; false when it did not exist. */
  dropCollection(db: string, name: string): boolean {
    return this.#databases.get(db)?.delete(name) ?? false;
  }

  /** Removes a database and all its collections. */
  dropDatabase(db: string): void {
    this.#databases.delete(db);
  }

  /** Opens a cursor over `docs` and returns its first batch (the cursor closes when drained). */
  openCursor(ns: string, docs: Document[], batchSize: unknown, singleBatch = false): Document {
    const size = batchSizeOf(batchSize, DEFAULT_FIRST_BATCH);
    const firstBatch = docs.slice(0, size);
    let id = 0;
    if (!singleBatch && docs.length > size) {
      id = this.#nextCursorId++;
      this.#cursors.set(id, { ns, docs, position: size });
    }
    return { cursor: { firstBatch, id: Long.fromNumber(id), ns }, ok: 1 };
  }

  /** The next batch of an open cursor. */
  getMore(id: number, ns: string, batchSize: unknown): Document {
    const cursor = this.#cursors.get(id);
    if (!cursor || cursor.ns !== ns) throw new CommandError('CursorNotFound', `cursor id ${id} not found`);
    const size = batchSizeOf(batchSize, Number.MAX_SAFE_INTEGER);
    const nextBatch = cursor.docs.slice(cursor.position, cursor.position + size);
    cursor.position += nextBatch.length;
    const done = cursor.position >= cursor.docs.length;
    if (done) this.#cursors.delete(id);
    return { cursor: { nextBatch, id: Long.fromNumber(done ? 0 : id), ns }, ok: 1 };
  }

  /** Closes cursors; answers which were open. */
  killCursors(ids: number[]): Document {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.#cursors.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  /** How many cursors are still open (for tests of the server itself). */
  get openCursors(): number {
    return this.#cursors.size;
  }
}

function batchSizeOf(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : value instanceof Long ? value.toNumber() : NaN;
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
