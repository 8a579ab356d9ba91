import { Long, serialize } from 'bson';
import type { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import { resolve } from 'mingo/util';
import { CommandError } from './command-error.js';
import type { MemoryState } from './memory-state.js';

/** What every command handler gets: the server state, the command, and its database. */
export interface CommandContext {
  state: MemoryState;
  command: Document;
  db: string;
}

/** The documents of `collection` matching `filter`, sorted, skipped and limited, then projected. */
export function select(docs: Document[], options: { filter?: Document; sort?: Document; skip?: number; limit?: number; projection?: Document }): Document[] {
  const projection = options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined;
  let cursor = new Query(options.filter ?? {}).find<Document>(docs, projection);
  if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort as Record<string, 1 | -1>);
  if (options.skip) cursor = cursor.skip(options.skip);
  if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
  return cursor.all();
}

/** The collection name a command names in its first field. */
export function collectionName(command: Document): string {
  const name = Object.values(command)[0];
  if (typeof name !== 'string') throw new CommandError('InvalidOptions', `collection name has invalid type ${typeof name}`);
  return name;
}

/** `find`: filter, sort, projection, skip, limit, batchSize, singleBatch. */
export function find({ state, command, db }: CommandContext): Document {
  const name = collectionName(command);
  const docs = state.collection(db, name)?.docs ?? [];
  const limit = numberOf(command.limit);
  const results = select(docs, {
    filter: command.filter as Document | undefined,
    sort: command.sort as Document | undefined,
    skip: numberOf(command.skip),
    limit,
    projection: command.projection as Document | undefined,
  });
  return state.openCursor(`${db}.${name}`, results, command.batchSize, Boolean(command.singleBatch) || limit < 0);
}

/** `getMore`: the next batch of a cursor. */
export function getMore({ state, command, db }: CommandContext): Document {
  const id = command.getMore instanceof Long ? command.getMore.toNumber() : Number(command.getMore);
  return state.getMore(id, `${db}.${String(command.collection)}`, command.batchSize);
}

/** `killCursors`. */
export function killCursors({ state, command }: CommandContext): Document {
  const ids = ((command.cursors ?? []) as unknown[]).map((id) => (id instanceof Long ? id.toNumber() : Number(id)));
  return state.killCursors(ids);
}

/** `aggregate` on a collection; `$lookup` may read other collections of the same database. */
export function aggregate({ state, command, db }: CommandContext): Document {
  if (typeof command.aggregate !== 'string') {
    throw new CommandError('NotImplemented', 'this test server answers aggregate on a collection only, not { aggregate: 1 }');
  }
  const pipeline = command.pipeline as Document[];
  if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0];
    if (name === '$out' || name === '$merge') throw new CommandError('NotImplemented', `${name} is not supported by this test server`);
  }
  const docs = state.collection(db, command.aggregate)?.docs ?? [];
  const results = new Aggregator(pipeline, {
    collectionResolver: (other: string) => state.collection(db, other)?.docs ?? [],
  }).run(docs) as Document[];
  const cursor = (command.cursor ?? {}) as Document;
  return state.openCursor(`${db}.${command.aggregate}`, results, cursor.batchSize);
}

/**
 * `distinct`: the different values of `key` among the documents matching `query`, in the
 * order first met; an array value counts each of its elements, as mongod does.
 */
export function distinct({ state, command, db }: CommandContext): Document {
  const docs = state.collection(db, collectionName(command))?.docs ?? [];
  if (typeof command.key !== 'string') throw new CommandError('TypeMismatch', "'key' must be of type string");
  const seen = new Map<string, unknown>();
  for (const doc of select(docs, { filter: command.query as Document | undefined })) {
    const value = resolve(doc, command.key);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined) seen.set(Buffer.from(serialize({ v: item })).toString('hex'), item);
    }
  }
  return { values: [...seen.values()], ok: 1 };
}

/** `count`: query, skip, limit. */
export function count({ state, command, db }: CommandContext): Document {
  const docs = state.collection(db, collectionName(command))?.docs ?? [];
  const n = select(docs, {
    filter: command.query as Document | undefined,
    skip: numberOf(command.skip),
    limit: numberOf(command.limit),
  }).length;
  return { n, ok: 1 };
}

/** `listIndexes`; NamespaceNotFound for a collection that does not exist, as GridFS expects. */
export function listIndexes({ state, command, db }: CommandContext): Document {
  const name = collectionName(command);
  const collection = state.collection(db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', `ns does not exist: ${db}.${name}`);
  return state.openCursor(
    `${db}.${name}`,
    collection.indexes.map((i) => ({ ...i })),
    (command.cursor as Document | undefined)?.batchSize,
  );
}

/** `listCollections`, with an optional filter on the descriptions. */
export function listCollections({ state, command, db }: CommandContext): Document {
  const all = state.collections(db).map((c) => ({
    name: c.name,
    type: 'collection',
    options: {},
    info: { readOnly: false },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const filter = (command.filter ?? {}) as Document;
  let results: Document[] = select(all, { filter });
  if (command.nameOnly) results = results.map((c) => ({ name: c.name, type: c.type }));
  return state.openCursor(`${db}.$cmd.listCollections`, results, (command.cursor as Document | undefined)?.batchSize);
}

/** A numeric option as a number (0 when absent). */
export function numberOf(value: unknown): number {
  if (value instanceof Long) return value.toNumber();
  return typeof value === 'number' ? value : 0;
}
