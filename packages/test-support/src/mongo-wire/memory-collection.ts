import { ObjectId, deserialize, serialize } from 'bson';
import type { Document } from 'bson';
import { Query } from 'mingo';
import { resolve } from 'mingo/util';
import { CommandError } from './command-error.js';

/** An index as listIndexes reports it. Only unique indexes change behaviour here. */
export interface IndexSpec extends Document {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
}

const ID_INDEX: IndexSpec = Object.freeze({ v: 2, key: { _id: 1 }, name: '_id_' }) as IndexSpec;

/** A deep copy that keeps BSON types (ObjectId, Binary, Date, Long) as they are. */
export function cloneDocument<T extends Document>(doc: T): T {
  return deserialize(serialize(doc)) as T;
}

/**
 * One collection held in memory: its documents in insertion order and its indexes.
 * Every write goes through `insert`, `replace` or `remove`, which enforce unique
 * indexes (the `_id` index always) the way mongod does, answering E11000.
 */
export class MemoryCollection {
  readonly docs: Document[] = [];
  readonly indexes: IndexSpec[] = [{ ...ID_INDEX }];

  constructor(
    readonly dbName: string,
    readonly name: string,
  ) {}

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  /** Stores a copy of `doc`, giving it an ObjectId `_id` (first) when it has none. */
  insert(doc: Document): Document {
    // _id first, as mongod stores it (the driver appends the _id it generates).
    const { _id, ...rest } = doc;
    const stored = cloneDocument({ _id: _id === undefined ? new ObjectId() : _id, ...rest });
    this.#checkUnique(stored, null);
    this.docs.push(stored);
    return stored;
  }

  /** Replaces `current` (a stored document) with `next`, unless that breaks a unique index. */
  replace(current: Document, next: Document): Document {
    const at = this.docs.indexOf(current);
    if (at < 0) throw new Error('replace: the document is not in the collection');
    const stored = cloneDocument(next);
    this.#checkUnique(stored, current);
    this.docs[at] = stored;
    return stored;
  }

  /** Removes stored documents. */
  remove(docs: Document[]): void {
    const gone = new Set(docs);
    const kept = this.docs.filter((d) => !gone.has(d));
    this.docs.length = 0;
    this.docs.push(...kept);
  }

  /** Adds an index; the same name and key again is a no-op, as in mongod. True when it was new. */
  createIndex(spec: Document): boolean {
    if (!spec.key || typeof spec.key !== 'object' || typeof spec.name !== 'string') {
      throw new CommandError('FailedToParse', 'an index needs a key pattern and a name');
    }
    const existing = this.indexes.find((i) => i.name === spec.name);
    if (existing) {
      if (!sameKey(existing.key, spec.key as Document)) {
        throw new CommandError('IndexKeySpecsConflict', `An existing index has the same name (${spec.name}) but a different key`);
      }
      if (Boolean(existing.unique) !== Boolean(spec.unique)) {
        throw new CommandError('IndexOptionsConflict', `An existing index has the same name (${spec.name}) but different options`);
      }
      return false;
    }
    const index = { v: 2, ...spec } as IndexSpec;
    if (index.unique) {
      // A unique index over documents that already clash cannot be built.
      for (const [i, doc] of this.docs.entries()) this.#checkIndex(index, doc, this.docs.slice(0, i));
    }
    this.indexes.push(index);
    return true;
  }

  #checkUnique(candidate: Document, replacing: Document | null): void {
    const others = replacing ? this.docs.filter((d) => d !== replacing) : this.docs;
    for (const index of this.indexes) {
      if (index.unique || index.name === '_id_') this.#checkIndex(index, candidate, others);
    }
  }

  #checkIndex(index: IndexSpec, candidate: Document, others: Document[]): void {
    const key = this.#keyOf(index, candidate);
    if (key === null) return;
    for (const other of others) {
      if (this.#keyOf(index, other) === key) {
        const keyValue = Object.fromEntries(Object.keys(index.key).map((f) => [f, resolve(candidate, f) ?? null]));
        throw new CommandError('DuplicateKey', `E11000 duplicate key error collection: ${this.ns} index: ${index.name} dup key: ${JSON.stringify(keyValue)}`, {
          keyPattern: index.key,
          keyValue,
        });
      }
    }
  }

  /** The index key of a document as comparable text; null when the index skips the document. */
  #keyOf(index: IndexSpec, doc: Document): string | null {
    if (index.partialFilterExpression && !new Query(index.partialFilterExpression).test(doc)) return null;
    const values = Object.keys(index.key).map((field) => resolve(doc, field));
    if (index.sparse && values.every((v) => v === undefined)) return null;
    return Buffer.from(serialize({ k: values.map((v) => v ?? null) })).toString('hex');
  }
}

function sameKey(a: Document, b: Document): boolean {
  return JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));
}
