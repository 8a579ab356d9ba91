import type { Collection, Db, IndexDescription } from 'mongodb';
import { WEBHOOK_CHANNEL } from '../../store/outbox.js';
import type { BatchDoc, FileDoc } from './mongo-documents.js';
import type { OutboxDoc } from './mongo-outbox.js';

/** A workspace's place in the queue's rotation: when it last got a claim. */
export interface TurnDoc {
  /** The workspace id. */
  _id: string;
  /** The last claim's instant; each claim sets it past every other workspace's it saw. */
  last_claim_at: Date;
}

/**
 * Collections of one store, named `<prefix>batches`, `<prefix>files`,
 * `<prefix>webhooks` (the outbox: the name it had when it held webhook events only) and
 * `<prefix>workspace_turns`.
 */
export interface MongoCollections {
  batches: Collection<BatchDoc>;
  files: Collection<FileDoc>;
  outbox: Collection<OutboxDoc>;
  turns: Collection<TurnDoc>;
}

/** Prefix of the store's collection names unless configured. */
export const DEFAULT_COLLECTION_PREFIX = 'batch_uploader_';

/**
 * Indexes of the `files` collection, each named for the query it serves. `createIndexes`
 * with the same name and key is a no-op, so `init()` can run on every start.
 */
export const FILE_INDEXES: readonly IndexDescription[] = Object.freeze<IndexDescription[]>([
  {
    // claimFile: the workspaces with pending files of open batches (a distinct scan),
    // then the next file of one (or a few) of them: equality on status (partial),
    // batch_state and workspace_id, then the claim order; the run_after test is applied
    // to the few entries read in that order.
    name: 'claim_by_workspace',
    key: { batch_state: 1, workspace_id: 1, claim_at: 1, batch_id: 1, position: 1 },
    partialFilterExpression: { status: 'pending' },
  },
  {
    // claimFile: how many files each waiting workspace has processing now.
    name: 'processing',
    key: { workspace_id: 1 },
    partialFilterExpression: { status: 'processing' },
  },
  {
    // getBatch (files in position order), derived counts, "any file still active?", cancel.
    name: 'batch_status',
    key: { batch_id: 1, status: 1, position: 1 },
  },
  {
    // getAnalytics: a workspace's files by creation time.
    name: 'analytics',
    key: { workspace_id: 1, created_at: 1 },
  },
  {
    // reclaimExpired: the files held, by lease expiry.
    name: 'leases',
    key: { lease_expires_at: 1 },
    partialFilterExpression: { status: 'processing' },
  },
]);

/** Indexes of the `batches` collection. */
export const BATCH_INDEXES: readonly IndexDescription[] = Object.freeze<IndexDescription[]>([
  {
    // listBatches: a workspace's history, newest first, paged by (created_at, id).
    name: 'history',
    key: { workspace_id: 1, created_at: -1, _id: -1 },
  },
  {
    // listPurgeableBlobs: finished batches whose bytes are not all purged, oldest first.
    name: 'retention',
    key: { blobs_purged_at: 1, finished_at: 1 },
  },
  {
    // purgeContent: finished batches whose content is still kept, oldest first.
    name: 'content',
    key: { content_purged_at: 1, finished_at: 1 },
  },
  {
    // releaseExpiredHolds: batches held open for appends, by when the hold runs out.
    name: 'held',
    key: { held_until: 1 },
  },
  {
    // deleteFinishedBatches and the repair pass (open batches are finished_at: null).
    name: 'finished',
    key: { finished_at: 1, updated_at: 1 },
  },
]);

/** Indexes of the `webhooks` collection (the outbox). */
export const OUTBOX_INDEXES: readonly IndexDescription[] = Object.freeze<IndexDescription[]>([
  {
    // Outbox.claim: pending messages, by due time then age (the few channels are told
    // apart on the entries read in that order).
    name: 'due',
    key: { status: 1, next_attempt_at: 1, created_at: 1 },
  },
]);

/**
 * The store's collections, with majority writes and primary reads whatever the client's
 * defaults are: a read from a lagging secondary could show a claimed file as pending.
 */
export function collectionsOf(db: Db, prefix: string): MongoCollections {
  const options = { writeConcern: { w: 'majority' as const }, readPreference: 'primary' as const };
  return {
    batches: db.collection<BatchDoc>(`${prefix}batches`, options),
    files: db.collection<FileDoc>(`${prefix}files`, options),
    outbox: db.collection<OutboxDoc>(`${prefix}webhooks`, options),
    turns: db.collection<TurnDoc>(`${prefix}workspace_turns`, options),
  };
}

/**
 * Creates every index, and gives webhook events stored before the outbox had channels
 * their channel (idempotent: both are no-ops the second time).
 */
export async function ensureIndexes(collections: MongoCollections): Promise<void> {
  await Promise.all([
    collections.files.createIndexes([...FILE_INDEXES]),
    collections.batches.createIndexes([...BATCH_INDEXES]),
    collections.outbox.createIndexes([...OUTBOX_INDEXES]),
  ]);
  await collections.outbox.updateMany({ channel: { $exists: false } }, { $set: { channel: WEBHOOK_CHANNEL } });
}
