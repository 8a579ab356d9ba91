import { isDeepStrictEqual } from 'node:util';
import type { Document } from 'bson';
import { Aggregator, update as applyOperators } from 'mingo';
import { CommandError } from './command-error.js';
import { cloneDocument } from './memory-collection.js';

/** Stages mongod accepts in an update pipeline. */
const PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

/** Update operators answered here: mingo's, plus $setOnInsert handled on upsert. */
const OPERATORS = new Set([
  '$addToSet',
  '$bit',
  '$currentDate',
  '$inc',
  '$max',
  '$min',
  '$mul',
  '$pop',
  '$pull',
  '$pullAll',
  '$push',
  '$rename',
  '$set',
  '$unset',
  '$setOnInsert',
]);

/** How one update statement changes documents: operators, a replacement, or a pipeline. */
export interface UpdateSpec {
  u: Document | Document[];
  arrayFilters?: Document[];
}

/**
 * Applies an update to a copy of `doc` and returns the copy (`doc` is never changed).
 * `inserting` is true for the document an upsert creates, so `$setOnInsert` applies.
 */
export function applyUpdate(doc: Document, spec: UpdateSpec, inserting: boolean): Document {
  const { u } = spec;
  checkUpdate(u);
  let next: Document;
  if (Array.isArray(u)) {
    next = new Aggregator(u).run([cloneDocument(doc)])[0] ?? {};
  } else if (isOperatorUpdate(u)) {
    next = cloneDocument(doc);
    const operators: Document = { ...u };
    const onInsert = operators.$setOnInsert as Document | undefined;
    delete operators.$setOnInsert;
    if (inserting && onInsert) operators.$set = { ...(operators.$set as Document | undefined), ...onInsert };
    if (Object.keys(operators).length > 0) applyOperators(next, operators, spec.arrayFilters);
  } else {
    if (u._id !== undefined && doc._id !== undefined && !isDeepStrictEqual(u._id, doc._id)) {
      throw new CommandError('ImmutableField', "the (immutable) field '_id' was found to have been altered");
    }
    next = { _id: doc._id, ...u };
  }
  if (doc._id !== undefined && !isDeepStrictEqual(next._id, doc._id)) {
    throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return next._id === undefined ? next : { _id: next._id, ...withoutId(next) };
}

/** Refuses an update mongod would refuse to parse, before any document is matched. */
export function checkUpdate(u: unknown): void {
  if (Array.isArray(u)) {
    for (const stage of u as Document[]) {
      const name = Object.keys(stage ?? {})[0] ?? '';
      if (!PIPELINE_STAGES.has(name)) throw new CommandError('BadValue', `${name} is not allowed to be used within an update`);
    }
    return;
  }
  if (u === null || typeof u !== 'object') throw new CommandError('FailedToParse', 'an update must be a document or a pipeline');
  if (!isOperatorUpdate(u as Document)) return;
  for (const name of Object.keys(u)) {
    if (!OPERATORS.has(name)) throw new CommandError('FailedToParse', `Unknown modifier: ${name}`);
  }
}

/** The document an upsert starts from: the equality conditions of its query. */
export function seedFromQuery(query: Document): Document {
  const seed: Document = {};
  const take = (q: Document): void => {
    for (const [field, condition] of Object.entries(q)) {
      if (field === '$and' && Array.isArray(condition)) {
        for (const part of condition) take(part as Document);
      } else if (!field.startsWith('$')) {
        if (isOperatorObject(condition)) {
          if ('$eq' in condition) setPath(seed, field, condition.$eq);
        } else {
          setPath(seed, field, condition);
        }
      }
    }
  };
  take(query);
  return seed;
}

function isOperatorUpdate(u: Document): boolean {
  const keys = Object.keys(u);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length > 0 && operators.length !== keys.length) {
    throw new CommandError('FailedToParse', 'an update mixes operators and plain fields');
  }
  return operators.length > 0;
}

function isOperatorObject(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).some((k) => k.startsWith('$'));
}

function setPath(target: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') node[part] = {};
    node = node[part] as Document;
  }
  node[parts.at(-1)!] = value;
}

function withoutId(doc: Document): Document {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}
