import { ObjectId, serialize } from 'bson';
import type { Document } from 'bson';
import { applyUpdate, checkUpdate, seedFromQuery } from './apply-update.js';
import { CommandError, asCommandError } from './command-error.js';
import type { MemoryCollection } from './memory-collection.js';
import { collectionName, select, type CommandContext } from './read-commands.js';

/** `insert`: ordered (stop at the first error) or not; errors are reported as writeErrors. */
export function insert({ state, command, db }: CommandContext): Document {
  const collection = state.collection(db, collectionName(command), true);
  const documents = (command.documents ?? []) as Document[];
  const ordered = command.ordered !== false;
  const writeErrors: Document[] = [];
  let n = 0;
  for (const [index, doc] of documents.entries()) {
    try {
      collection.insert(doc);
      n += 1;
    } catch (error) {
      writeErrors.push(asCommandError(error).toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
}

/** `update`: operator, replacement and pipeline updates; multi; upsert; arrayFilters. */
export function update({ state, command, db }: CommandContext): Document {
  const collection = state.collection(db, collectionName(command), true);
  const statements = (command.updates ?? []) as Document[];
  const ordered = command.ordered !== false;
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  for (const [index, statement] of statements.entries()) {
    try {
      const spec = { u: statement.u as Document | Document[], arrayFilters: statement.arrayFilters as Document[] | undefined };
      checkUpdate(spec.u);
      const query = (statement.q ?? {}) as Document;
      const matches = select(collection.docs, { filter: query, sort: statement.sort as Document | undefined });
      if (matches.length === 0) {
        if (statement.upsert) {
          const stored = upsertInto(collection, query, spec);
          upserted.push({ index, _id: stored._id });
          n += 1;
        }
        continue;
      }
      if (statement.multi && !Array.isArray(spec.u) && !Object.keys(spec.u).some((k) => k.startsWith('$'))) {
        throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
      }
      for (const current of statement.multi ? matches : matches.slice(0, 1)) {
        const next = applyUpdate(current, spec, false);
        n += 1;
        if (!Buffer.from(serialize(next)).equals(serialize(current))) {
          collection.replace(current, next);
          nModified += 1;
        }
      }
    } catch (error) {
      writeErrors.push(asCommandError(error).toWriteError(index));
      if (ordered) break;
    }
  }
  const reply: Document = { n, nModified, ok: 1 };
  if (upserted.length) reply.upserted = upserted;
  if (writeErrors.length) reply.writeErrors = writeErrors;
  return reply;
}

/**
 * `findAndModify`: the first match in `sort` order is updated or removed, and the
 * document before (or, with `new`, after) is returned, projected by `fields`. Commands
 * run one at a time, so nothing can change the document between the match and the write.
 */
export function findAndModify({ state, command, db }: CommandContext): Document {
  const collection = state.collection(db, collectionName(command), true);
  const query = (command.query ?? {}) as Document;
  const [current] = select(collection.docs, { filter: query, sort: command.sort as Document | undefined, limit: 1 });
  const fields = command.fields as Document | undefined;
  const project = (doc: Document | null): Document | null =>
    doc && fields && Object.keys(fields).length ? (select([doc], { projection: fields })[0] ?? null) : doc;

  if (command.remove) {
    if (command.update !== undefined) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    if (current) collection.remove([current]);
    return { lastErrorObject: { n: current ? 1 : 0 }, value: project(current ?? null), ok: 1 };
  }
  if (command.update === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const spec = { u: command.update as Document | Document[], arrayFilters: command.arrayFilters as Document[] | undefined };
  checkUpdate(spec.u);
  if (current) {
    const stored = collection.replace(current, applyUpdate(current, spec, false));
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(command.new ? stored : current), ok: 1 };
  }
  if (command.upsert) {
    const stored = upsertInto(collection, query, spec);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: stored._id },
      value: project(command.new ? stored : null),
      ok: 1,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}

/** `delete`: each statement removes its first match (`limit: 1`) or all of them (`limit: 0`). */
export function remove({ state, command, db }: CommandContext): Document {
  const collection = state.collection(db, collectionName(command));
  let n = 0;
  for (const statement of (command.deletes ?? []) as Document[]) {
    if (!collection) break;
    const matches = select(collection.docs, { filter: (statement.q ?? {}) as Document, limit: statement.limit === 1 ? 1 : 0 });
    collection.remove(matches);
    n += matches.length;
  }
  return { n, ok: 1 };
}

/** `createIndexes`: idempotent for the same name and key; unique indexes are enforced. */
export function createIndexes({ state, command, db }: CommandContext): Document {
  const name = collectionName(command);
  const existed = state.collection(db, name) !== null;
  const collection = state.collection(db, name, true);
  const before = collection.indexes.length;
  for (const spec of (command.indexes ?? []) as Document[]) collection.createIndex(spec);
  const after = collection.indexes.length;
  const reply: Document = { numIndexesBefore: before, numIndexesAfter: after, createdCollectionAutomatically: !existed, ok: 1 };
  if (before === after) reply.note = 'all indexes already exist';
  return reply;
}

/** `drop`: NamespaceNotFound when absent (the driver treats that as done). */
export function drop({ state, command, db }: CommandContext): Document {
  const name = collectionName(command);
  const collection = state.collection(db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', 'ns not found');
  const nIndexesWas = collection.indexes.length;
  state.dropCollection(db, name);
  return { nIndexesWas, ns: collection.ns, ok: 1 };
}

/** `dropDatabase`. */
export function dropDatabase({ state, db }: CommandContext): Document {
  state.dropDatabase(db);
  return { dropped: db, ok: 1 };
}

function upsertInto(collection: MemoryCollection, query: Document, spec: { u: Document | Document[]; arrayFilters?: Document[] }): Document {
  const seeded = applyUpdate(seedFromQuery(query), spec, true);
  return collection.insert(seeded._id === undefined ? { _id: new ObjectId(), ...seeded } : seeded);
}
