import { randomUUID } from 'node:crypto';
import type { Document, Filter } from 'mongodb';
import type { FileError } from '@batch-uploader/protocol';
import { PRIORITY_OFFSET_MS } from '../../store/records.js';
import type {
  AppendOutcome,
  BatchRecord,
  BatchWithFiles,
  ClaimedFile,
  FileOutcome,
  FileTransition,
  HistoryCursor,
  NewBatch,
  NewFile,
  NewWebhookEvent,
  RetryOutcome,
  WebhookDelivery,
  WebhookOutcome,
  WorkspaceAnalytics,
} from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { MongoAnalytics } from './mongo-analytics.js';
import { MongoBatchControl, VISIBLE } from './mongo-batch-control.js';
import { BatchUpkeep } from './mongo-batch-upkeep.js';
import { MongoConnection, type MongoConnectionOptions } from './mongo-connection.js';
import { ACTIVE_STATUSES, countsFrom, newFileDoc, toBatchRecord, toFileRecord, toJson } from './mongo-documents.js';
import type { BatchDoc, FileDoc } from './mongo-documents.js';
import * as pipelines from './mongo-pipelines.js';
import { MongoRetention } from './mongo-retention.js';
import { MongoWebhookOutbox } from './mongo-webhook-outbox.js';
import { DEFAULT_COLLECTION_PREFIX, collectionsOf, ensureIndexes, type MongoCollections } from './mongo-schema.js';

/** Options of {@link MongoStore}. */
export interface MongoStoreOptions extends MongoConnectionOptions {
  /**
   * Prefix of the collection names (`<prefix>batches`, `<prefix>files`), so that several
   * deployments can share one database.
   * @default "batch_uploader_"
   */
  collectionPrefix?: string;
}

/**
 * Batches and files in MongoDB, for any number of server instances sharing one queue.
 *
 * Claiming is one atomic `findOneAndUpdate` on the file documents: pending, ready, of an
 * open batch, in claim order. Whatever that filter needs about the batch (its claim key
 * and whether it was cancelled) is copied onto its files and kept in step. A claim issues
 * a random lease token; renew, finish and release put it in their filter, so a worker
 * whose lease ran out (and whose file someone else now holds) changes nothing.
 *
 * Time is the server's: `$$NOW` in every update and lease test, and the server's clock
 * (from `hello`) for creation times and retention cutoffs. Writes use majority write
 * concern and reads go to the primary. No transactions are needed (see BatchUpkeep for
 * how batches stay consistent with their files), so a replica set is recommended for
 * durability but a standalone server works.
 */
export class MongoStore implements Store {
  readonly #connection: MongoConnection;
  readonly #prefix: string;
  #collections: MongoCollections | null = null;
  #upkeep: BatchUpkeep | null = null;
  #control: MongoBatchControl | null = null;
  #retention: MongoRetention | null = null;
  #outbox: MongoWebhookOutbox | null = null;
  #analytics: MongoAnalytics | null = null;
  #opening: Promise<void> | null = null;

  constructor(options: MongoStoreOptions) {
    this.#connection = new MongoConnection(options, 'MongoStore');
    const prefix = options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX;
    if (typeof prefix !== 'string' || !/^[A-Za-z0-9_.-]{0,64}$/.test(prefix)) {
      throw new TypeError('MongoStore: `collectionPrefix` must be up to 64 characters of A-Z, a-z, 0-9, "_", "." or "-".');
    }
    this.#prefix = prefix;
  }

  async init(): Promise<void> {
    // Shared, so that two overlapping init() calls connect once.
    this.#opening ??= this.#open();
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
    this.#control = null;
    this.#retention = null;
    this.#outbox = null;
    this.#analytics = null;
    await this.#connection.close();
  }

  async createBatch(batch: NewBatch, files: NewFile[]): Promise<BatchRecord> {
    const { batches, files: fileDocs } = this.#db();
    const now = await this.#serverNow();
    const claimAt = new Date(now.getTime() + PRIORITY_OFFSET_MS[batch.priority]);
    // Hidden until every file is stored: a batch id taken already fails here, changing nothing.
    await batches.insertOne({
      _id: batch.id,
      workspace_id: batch.workspace_id,
      priority: batch.priority,
      patient_id: batch.patient_id ?? null,
      template_id: batch.template_id ?? null,
      encounter_id: batch.encounter_id ?? null,
      total_files: files.length,
      claim_at: claimAt,
      created_at: now,
      updated_at: now,
      version: 0,
      cancelled_at: null,
      cancel_error: null,
      paused_at: null,
      held_until: batch.hold_ms == null ? null : new Date(now.getTime() + duration('hold_ms', batch.hold_ms)),
      state_seq: 0,
      finished_at: null,
      blobs_purged_at: null,
      hidden: 'creating',
    });
    try {
      if (files.length > 0) {
        const docs = files.map((file) => newFileDoc(batch, file, { now, claimAt, position: file.position, batchState: 'creating', stateSeq: 0 }));
        await fileDocs.insertMany(docs, { ordered: true });
      }
    } catch (error) {
      // Either all are stored or none: take back what was stored. Should this fail too, the
      // batch stays hidden and the repair pass retires it.
      await fileDocs.deleteMany({ batch_id: batch.id }).catch(() => undefined);
      await batches.deleteOne({ _id: batch.id, hidden: 'creating' }).catch(() => undefined);
      throw error;
    }
    // Files first, then the batch: its files are claimable a moment before it is listed, never the reverse.
    await fileDocs.updateMany({ batch_id: batch.id, batch_state: 'creating' }, { $set: { batch_state: 'open' } });
    await batches.updateOne({ _id: batch.id, hidden: 'creating' }, { $unset: { hidden: '' } });
    await this.#upkeep!.settle(batch.id);
    return (await this.#recordById(batch.id))!;
  }

  async getBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles | null> {
    const { batches, files } = this.#db();
    const batch = await batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE });
    if (!batch) return null;
    const docs = await files.find({ batch_id: batchId }, { sort: { position: 1, _id: 1 } }).toArray();
    const tally = new Map<string, number>();
    for (const doc of docs) tally.set(doc.status, (tally.get(doc.status) ?? 0) + 1);
    const counts = countsFrom([...tally].map(([status, n]) => ({ status: status as FileDoc['status'], n })));
    return { batch: toBatchRecord(batch, counts), files: docs.map(toFileRecord) };
  }

  async getBatchSummary(workspaceId: string, batchId: string): Promise<BatchRecord | null> {
    const batch = await this.#db().batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE });
    return batch ? (await this.#withCounts([batch]))[0]! : null;
  }

  async getBatchVersion(workspaceId: string, batchId: string): Promise<number | null> {
    const batch = await this.#db().batches.findOne(
      { _id: batchId, workspace_id: workspaceId, ...VISIBLE },
      { projection: { version: 1 } },
    );
    return batch ? (batch.version ?? 0) : null;
  }

  async listBatches(workspaceId: string, query: { limit: number; cursor?: HistoryCursor }): Promise<BatchRecord[]> {
    const { limit, cursor } = query;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('listBatches: `limit` must be a whole number ≥ 0.');
    if (limit === 0) return [];
    const filter: Filter<BatchDoc> = { workspace_id: workspaceId, ...VISIBLE };
    if (cursor) {
      // Keyset paging on the `history` index: strictly after (created_at, id) in descending order.
      filter.$or = [{ created_at: { $lt: cursor.created_at } }, { created_at: cursor.created_at, _id: { $lt: cursor.id } }];
    }
    const docs = await this.#db().batches.find(filter, { sort: { created_at: -1, _id: -1 }, limit }).toArray();
    return this.#withCounts(docs);
  }

  async cancelBatch(
    workspaceId: string,
    batchId: string,
    error: FileError,
  ): Promise<{ outcome: 'cancelled' | 'not_found' | 'not_open'; batch_finished: boolean }> {
    return this.#controls().cancel(workspaceId, batchId, error);
  }

  async pauseBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'paused' | 'not_found' | 'not_open' }> {
    return this.#controls().pause(workspaceId, batchId);
  }

  async resumeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'resumed' | 'not_found' | 'not_open' }> {
    return this.#controls().resume(workspaceId, batchId);
  }

  async appendFiles(
    workspaceId: string,
    batchId: string,
    files: NewFile[],
    options: { maxFiles: number; holdMs?: number | null },
  ): Promise<AppendOutcome> {
    const holdMs = options.holdMs == null ? null : duration('holdMs', options.holdMs);
    const outcome = await this.#controls().append(workspaceId, batchId, files, options.maxFiles, holdMs);
    if (outcome.outcome !== 'appended') return outcome;
    return { outcome: 'appended', batch: (await this.#recordById(batchId))! };
  }

  async closeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'closed' | 'not_found' | 'not_open'; batch_finished: boolean }> {
    return this.#controls().close(workspaceId, batchId);
  }

  async releaseExpiredHolds(): Promise<FileTransition[]> {
    return this.#controls().releaseExpiredHolds();
  }

  async retryFailedFiles(workspaceId: string, batchId: string): Promise<RetryOutcome> {
    return this.#controls().retry(workspaceId, batchId);
  }

  async claimFile(input: { owner: string; leaseMs: number }): Promise<ClaimedFile | null> {
    const leaseMs = duration('leaseMs', input.leaseMs);
    const { batches, files } = this.#db();
    const token = randomUUID();
    // The one atomic step: of any number of claimers, in any number of processes, exactly
    // one turns a given pending file into processing under its token.
    const file = await files.findOneAndUpdate(pipelines.READY_TO_CLAIM, pipelines.claimFile(input.owner, token, leaseMs), {
      sort: pipelines.CLAIM_SORT,
      returnDocument: 'after',
    });
    if (!file) return null;
    // Then the batch moves back one step in the claim order, and its files follow with
    // $max, so concurrent claims converge on the largest key whatever order they land in.
    // A crash in between only leaves the order a step behind; correctness never depends on it.
    const batch = await batches.findOneAndUpdate({ _id: file.batch_id }, pipelines.stepClaimOrder(), { returnDocument: 'after' });
    if (!batch) throw new Error(`MongoStore: claimed file ${file._id} belongs to no batch.`);
    await files.updateMany(
      { batch_id: file.batch_id, status: { $in: ACTIVE_STATUSES }, claim_at: { $lt: batch.claim_at } },
      { $max: { claim_at: batch.claim_at } },
    );
    const [record] = await this.#withCounts([batch]);
    return { file: toFileRecord(file), batch: record!, token };
  }

  async renewLease(fileId: string, token: string, leaseMs: number): Promise<boolean> {
    const ms = duration('leaseMs', leaseMs);
    const result = await this.#db().files.updateOne(
      { _id: fileId, lease_token: token, status: 'processing' },
      pipelines.renewLease(ms),
    );
    return result.matchedCount === 1;
  }

  async finishFile(fileId: string, token: string, outcome: FileOutcome): Promise<FileTransition | null> {
    if (outcome.status !== 'completed' && outcome.status !== 'failed') {
      throw new TypeError('finishFile: `outcome.status` must be "completed" or "failed".');
    }
    const update = pipelines.finishFile(
      outcome.status,
      outcome.status === 'completed' ? toJson(outcome.result) : null,
      outcome.status === 'failed' ? toJson(outcome.error) : null,
    );
    return this.#transition(fileId, token, update);
  }

  async releaseFile(
    fileId: string,
    token: string,
    input: { delayMs: number; error: FileError | null; refundAttempt: boolean },
  ): Promise<FileTransition | null> {
    const delayMs = duration('delayMs', input.delayMs);
    return this.#transition(fileId, token, pipelines.releaseFile(delayMs, toJson(input.error), input.refundAttempt));
  }

  async reclaimExpired(input: { maxAttempts: number; error: FileError }): Promise<FileTransition[]> {
    const { files } = this.#db();
    const update = pipelines.reclaimFile(input.maxAttempts, toJson(input.error));
    // The repair pass first: should it fail, this sweep fails before any file changed, and
    // the next sweep retries both (the engine logs the error).
    const transitions: FileTransition[] = await this.#upkeep!.repair();
    // One file per atomic write: two instances sweeping at once never handle a file twice.
    for (;;) {
      const file = await files.findOneAndUpdate(pipelines.LEASE_EXPIRED, update, {
        sort: { lease_expires_at: 1, _id: 1 },
        projection: { batch_id: 1, workspace_id: 1, status: 1, attempts: 1 },
        returnDocument: 'after',
      });
      if (!file) break;
      transitions.push({
        batch_id: file.batch_id,
        workspace_id: file.workspace_id,
        batch_finished: await this.#upkeep!.settle(file.batch_id),
        file: { id: file._id, status: file.status, attempts: file.attempts },
      });
    }
    return transitions;
  }

  async getAnalytics(workspaceId: string, range: { since: Date; until: Date }): Promise<WorkspaceAnalytics> {
    this.#db();
    return this.#analytics!.get(workspaceId, range);
  }

  async enqueueWebhook(event: NewWebhookEvent): Promise<void> {
    this.#db();
    await this.#outbox!.enqueue(event);
  }

  async claimWebhook(input: { leaseMs: number }): Promise<WebhookDelivery | null> {
    const leaseMs = duration('leaseMs', input.leaseMs);
    this.#db();
    return this.#outbox!.claim(leaseMs);
  }

  async settleWebhook(id: string, token: string, outcome: WebhookOutcome): Promise<boolean> {
    if (outcome.status === 'retry') duration('delayMs', outcome.delayMs);
    this.#db();
    return this.#outbox!.settle(id, token, outcome);
  }

  async listPurgeableBlobs(input: { olderThanMs: number; limit: number }): Promise<{ file_id: string; blob_key: string }[]> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    if (!Number.isInteger(input.limit) || input.limit < 0) {
      throw new RangeError('listPurgeableBlobs: `limit` must be a whole number ≥ 0.');
    }
    this.#db();
    return this.#retention!.listPurgeable(await this.#cutoff(olderThanMs), input.limit);
  }

  async markBlobsPurged(fileIds: string[]): Promise<void> {
    this.#db();
    await this.#retention!.markPurged(fileIds);
  }

  async deleteFinishedBatches(input: { olderThanMs: number }): Promise<number> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    this.#db();
    return this.#retention!.deleteFinished(await this.#cutoff(olderThanMs));
  }

  async #open(): Promise<void> {
    const db = await this.#connection.open();
    const collections = collectionsOf(db, this.#prefix);
    await ensureIndexes(collections);
    this.#collections = collections;
    this.#upkeep = new BatchUpkeep(collections, () => this.#serverNow());
    this.#control = new MongoBatchControl(collections, this.#upkeep, () => this.#serverNow());
    this.#retention = new MongoRetention(collections);
    this.#outbox = new MongoWebhookOutbox(collections.webhooks, () => this.#serverNow());
    this.#analytics = new MongoAnalytics(collections);
  }

  /** Applies a token-guarded update to a held file, then settles its batch; null when not held. */
  async #transition(fileId: string, token: string, update: Document[]): Promise<FileTransition | null> {
    // The token in the filter is what keeps a worker that lost its lease from writing.
    const file = await this.#db().files.findOneAndUpdate({ _id: fileId, lease_token: token, status: 'processing' }, update, {
      projection: { batch_id: 1, workspace_id: 1 },
    });
    if (!file) return null;
    return { batch_id: file.batch_id, workspace_id: file.workspace_id, batch_finished: await this.#upkeep!.settle(file.batch_id) };
  }

  async #recordById(batchId: string): Promise<BatchRecord | null> {
    const batch = await this.#db().batches.findOne({ _id: batchId });
    return batch ? (await this.#withCounts([batch]))[0]! : null;
  }

  async #withCounts(docs: BatchDoc[]): Promise<BatchRecord[]> {
    if (docs.length === 0) return [];
    const counts = await this.#upkeep!.countsOf(docs.map((d) => d._id));
    return docs.map((doc) => toBatchRecord(doc, counts.get(doc._id)!));
  }

  /** The server's clock: `hello` reports it, so every instance computes cutoffs alike. */
  async #serverNow(): Promise<Date> {
    const reply = await this.#connection.db.command({ hello: 1 });
    if (!(reply.localTime instanceof Date)) throw new Error('MongoStore: the server did not report its clock (hello.localTime).');
    return reply.localTime;
  }

  async #cutoff(olderThanMs: number): Promise<Date> {
    return new Date((await this.#serverNow()).getTime() - olderThanMs);
  }

  #controls(): MongoBatchControl {
    this.#db();
    return this.#control!;
  }

  #db(): MongoCollections {
    if (!this.#collections) throw new Error('MongoStore: call init() before using the store (or it was closed).');
    return this.#collections;
  }
}

function duration(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`MongoStore: \`${name}\` must be a finite number of milliseconds ≥ 0.`);
  }
  return Math.trunc(value);
}
