import type { Filter } from 'mongodb';
import type { BatchRecords } from '../../store/batch-records.js';
import { PRIORITY_OFFSET_MS } from '../../store/records.js';
import type { BatchRecord, BatchWithFiles, HistoryCursor, NewBatch, NewFile } from '../../store/records.js';
import { awaitsReview, countsFrom, newFileDoc, toBatchRecord, toFileRecord } from './mongo-documents.js';
import type { BatchDoc, FileDoc } from './mongo-documents.js';
import { VISIBLE, duration, type MongoStoreContext } from './mongo-store-context.js';

/**
 * Batches and their files in the MongoDB store. A batch is written hidden, then its
 * files, then shown: without a transaction, a reader never sees a batch without its files.
 */
export class MongoBatchRecords implements BatchRecords {
  constructor(private readonly context: MongoStoreContext) {}

  async createBatch(batch: NewBatch, files: NewFile[]): Promise<BatchRecord> {
    const { batches, files: fileDocs } = this.context.collections;
    const now = await this.context.now();
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
      expected_files: batch.expected_files ?? null,
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
    await this.context.upkeep.settle(batch.id);
    return (await this.context.recordById(batch.id))!;
  }

  async getBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles | null> {
    const { batches, files } = this.context.collections;
    const batch = await batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE });
    if (!batch) return null;
    const docs = await files.find({ batch_id: batchId }, { sort: { position: 1, _id: 1 } }).toArray();
    const tally = new Map<string, number>();
    for (const doc of docs) tally.set(doc.status, (tally.get(doc.status) ?? 0) + 1);
    const counts = countsFrom([...tally].map(([status, n]) => ({ status: status as FileDoc['status'], n })));
    const review = { needsReview: docs.filter(awaitsReview).length, rejectedAtReview: docs.filter((doc) => doc.review_decision === 'rejected').length };
    return { batch: toBatchRecord(batch, counts, review), files: docs.map(toFileRecord) };
  }

  async getBatchSummary(workspaceId: string, batchId: string): Promise<BatchRecord | null> {
    const batch = await this.context.collections.batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE });
    return batch ? (await this.context.withCounts([batch]))[0]! : null;
  }

  async getBatchVersion(workspaceId: string, batchId: string): Promise<number | null> {
    const batch = await this.context.collections.batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE }, { projection: { version: 1 } });
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
    const docs = await this.context.collections.batches.find(filter, { sort: { created_at: -1, _id: -1 }, limit }).toArray();
    return this.context.withCounts(docs);
  }
}
