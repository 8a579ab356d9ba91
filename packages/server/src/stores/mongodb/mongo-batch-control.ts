import type { Filter } from 'mongodb';
import type { FileError, ReviewState } from '@batch-uploader/protocol';
import type { BatchControl } from '../../store/batch-control.js';
import { PRIORITY_OFFSET_MS, type AppendOutcome, type FileTransition, type NewFile, type RetryOutcome, type ReviewOutcome } from '../../store/records.js';
import { ACTIVE_STATUSES, newFileDoc, toFileRecord, toJson } from './mongo-documents.js';
import type { BatchDoc } from './mongo-documents.js';
import * as pipelines from './mongo-pipelines.js';
import { VISIBLE, duration, type MongoStoreContext } from './mongo-store-context.js';

/**
 * What an operator does to a whole batch in the MongoDB store: cancel, pause, resume,
 * retry, append, close (and the expiry of holds for appends).
 * Each is decided by one conditional write to the batch document, then carried to its
 * files with idempotent updates; what a crash in between leaves is finished by the
 * repair pass of the batch upkeep.
 */
export class MongoBatchControl implements BatchControl {
  constructor(private readonly context: MongoStoreContext) {}

  async cancelBatch(
    workspaceId: string,
    batchId: string,
    error: FileError,
  ): Promise<{ outcome: 'cancelled' | 'not_found' | 'not_open'; batch_finished: boolean }> {
    const { collections, upkeep } = this.context;
    const cancelError = toJson(error);
    // This one conditional write decides: of two cancels, one wins and the other is not_open.
    const cancelled = await collections.batches.findOneAndUpdate(this.#open(workspaceId, batchId), pipelines.cancelBatch(this.context.nowExpr(), cancelError), {
      projection: { _id: 1 },
    });
    if (!cancelled) return { outcome: await this.#whyNotOpen(workspaceId, batchId), batch_finished: false };
    // A claim that slips in before the files learn of the cancel is one made just before
    // it: that file runs to its end, like any file already processing.
    await upkeep.propagateCancel(batchId, cancelError);
    return { outcome: 'cancelled', batch_finished: await upkeep.settle(batchId) };
  }

  async pauseBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'paused' | 'not_found' | 'not_open' }> {
    return (await this.#setPaused(workspaceId, batchId, true)) ?? { outcome: 'paused' };
  }

  async resumeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'resumed' | 'not_found' | 'not_open' }> {
    return (await this.#setPaused(workspaceId, batchId, false)) ?? { outcome: 'resumed' };
  }

  async retryFailedFiles(workspaceId: string, batchId: string): Promise<RetryOutcome> {
    const { collections, upkeep } = this.context;
    const { batches, files } = collections;
    const batch = await batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE }, { projection: { priority: 1, cancelled_at: 1 } });
    if (!batch) return { outcome: 'not_found', retried: 0, not_retryable: 0 };
    if (batch.cancelled_at) return { outcome: 'cancelled', retried: 0, not_retryable: 0 };
    const claimAt = new Date((await this.context.now()).getTime() + PRIORITY_OFFSET_MS[batch.priority]);
    // Files first, then the batch: a retried file finished before the batch reopens leaves
    // an open batch with nothing to run, which the settle below (or the repair pass) ends;
    // the other order could leave a finished batch with pending files.
    const { modifiedCount: retried } = await files.updateMany(
      { batch_id: batchId, status: 'failed', blob_key: { $ne: null }, blob_purged_at: null, batch_state: { $ne: 'cancelled' } },
      pipelines.retryFile(claimAt),
    );
    const notRetryable = await files.countDocuments({ batch_id: batchId, status: 'failed' });
    if (retried === 0) return { outcome: 'nothing_to_retry', retried: 0, not_retryable: notRetryable };
    await batches.updateOne({ _id: batchId }, pipelines.reopenBatch(this.context.nowExpr(), claimAt));
    await upkeep.settle(batchId);
    return { outcome: 'retried', retried, not_retryable: notRetryable };
  }

  /**
   * Reserves positions with one conditional write (open, and room for the files), stores
   * the files, then ends the append: while it is in flight the batch cannot finish, and
   * a cancel or pause that came meanwhile reaches the new files when it ends.
   */
  async appendFiles(workspaceId: string, batchId: string, files: NewFile[], options: { maxFiles: number; holdMs?: number | null }): Promise<AppendOutcome> {
    const holdMs = options.holdMs == null ? null : duration('holdMs', options.holdMs);
    const { maxFiles } = options;
    const { collections, upkeep } = this.context;
    const { batches, files: fileDocs } = collections;
    const count = files.length;
    const before = await batches.findOneAndUpdate(
      { ...this.#open(workspaceId, batchId), total_files: { $lte: maxFiles - count } },
      pipelines.reserveAppend(this.context.nowExpr(), count, holdMs),
      { returnDocument: 'before', projection: { total_files: 1, next_position: 1, claim_at: 1, paused_at: 1, state_seq: 1 } },
    );
    if (!before) {
      const found = await batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE });
      if (!found) return { outcome: 'not_found' };
      if (found.finished_at || found.cancelled_at) return { outcome: 'not_open' };
      return { outcome: 'too_many', total_files: found.total_files };
    }
    const first = before.next_position ?? before.total_files;
    const now = await this.context.now();
    const docs = files.map((file, index) =>
      newFileDoc({ id: batchId, workspace_id: workspaceId }, file, {
        now,
        claimAt: before.claim_at,
        position: first + index,
        batchState: before.paused_at ? 'paused' : 'open',
        stateSeq: before.state_seq ?? 0,
      }),
    );
    try {
      await fileDocs.insertMany(docs, { ordered: true });
    } catch (error) {
      // Nothing is stored: take back the files that were, and the reservation.
      await fileDocs.deleteMany({ _id: { $in: docs.map((doc) => doc._id) } }).catch(() => undefined);
      await batches.updateOne({ _id: batchId }, pipelines.endAppend(this.context.nowExpr(), count)).catch(() => undefined);
      throw error;
    }
    const after = await batches.findOneAndUpdate({ _id: batchId }, pipelines.endAppend(this.context.nowExpr(), 0), { returnDocument: 'after' });
    if (after?.cancelled_at) {
      await upkeep.propagateCancel(batchId, after.cancel_error);
    } else if (after) {
      await upkeep.syncPause(batchId, after.state_seq ?? 0, Boolean(after.paused_at));
      // The new files follow the batch in the claim order, as claims keep its files.
      await fileDocs.updateMany(
        { batch_id: batchId, status: { $in: ACTIVE_STATUSES }, claim_at: { $lt: after.claim_at } },
        { $max: { claim_at: after.claim_at } },
      );
    }
    await upkeep.settle(batchId);
    return { outcome: 'appended', batch: (await this.context.recordById(batchId))! };
  }

  async extendHold(workspaceId: string, batchId: string, holdMs: number): Promise<boolean> {
    const ms = duration('holdMs', holdMs);
    const extended = await this.context.collections.batches.findOneAndUpdate(
      { ...this.#open(workspaceId, batchId), held_until: { $ne: null } },
      pipelines.extendHold(this.context.nowExpr(), ms),
      { projection: { _id: 1 } },
    );
    return extended !== null;
  }

  async closeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'closed' | 'not_found' | 'not_open'; batch_finished: boolean }> {
    const { collections, upkeep } = this.context;
    const released = await collections.batches.findOneAndUpdate(
      { ...this.#open(workspaceId, batchId), held_until: { $ne: null } },
      pipelines.releaseHold(this.context.nowExpr()),
      { projection: { _id: 1 } },
    );
    if (released) return { outcome: 'closed', batch_finished: await upkeep.settle(batchId) };
    // Not held, or finished: closing changes nothing. Only a cancelled batch refuses.
    const found = await collections.batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE }, { projection: { cancelled_at: 1 } });
    if (!found) return { outcome: 'not_found', batch_finished: false };
    return { outcome: found.cancelled_at ? 'not_open' : 'closed', batch_finished: false };
  }

  /**
   * One conditional write per batch releases an expired hold, so of several instances
   * sweeping at once exactly one releases it; the settle after it finishes the batch once.
   */
  async releaseExpiredHolds(): Promise<FileTransition[]> {
    const { collections, upkeep } = this.context;
    const transitions: FileTransition[] = [];
    for (;;) {
      const now = this.context.nowExpr();
      const batch = await collections.batches.findOneAndUpdate(pipelines.holdExpired(now), pipelines.releaseHold(now), {
        sort: { held_until: 1, _id: 1 },
        projection: { _id: 1, workspace_id: 1 },
      });
      if (!batch) return transitions;
      transitions.push({ batch_id: batch._id, workspace_id: batch.workspace_id, batch_finished: await upkeep.settle(batch._id) });
    }
  }

  async reviewFile(workspaceId: string, batchId: string, fileId: string, input: { decision: ReviewState; decided_by: string }): Promise<ReviewOutcome> {
    const { batches, files } = this.context.collections;
    const batch = await batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE }, { projection: { _id: 1 } });
    if (!batch) return { outcome: 'not_found' };
    // One conditional write decides: of two reviewers racing, the first decision stands.
    const decided = await files.findOneAndUpdate(
      { _id: fileId, batch_id: batchId, status: 'completed', review_reason: { $type: 'string' }, review_decision: null },
      pipelines.decideReview(this.context.nowExpr(), input.decision, input.decided_by),
      { returnDocument: 'after' },
    );
    if (decided) {
      await batches.updateOne({ _id: batchId }, pipelines.touchBatch(this.context.nowExpr()));
      return { outcome: 'reviewed', file: toFileRecord(decided) };
    }
    const file = await files.findOne({ _id: fileId, batch_id: batchId });
    if (!file) return { outcome: 'file_not_found' };
    if (file.status !== 'completed' || typeof file.review_reason !== 'string' || !file.review_decision) return { outcome: 'nothing_to_review' };
    return file.review_decision === input.decision
      ? { outcome: 'reviewed', file: toFileRecord(file) }
      : { outcome: 'already_decided', decision: file.review_decision };
  }

  /** Null when the batch was open and now has the asked pause state, with its files. */
  async #setPaused(workspaceId: string, batchId: string, paused: boolean): Promise<{ outcome: 'not_found' | 'not_open' } | null> {
    const batch = await this.context.collections.batches.findOneAndUpdate(
      this.#open(workspaceId, batchId),
      pipelines.setPaused(this.context.nowExpr(), paused),
      {
        returnDocument: 'after',
        projection: { state_seq: 1 },
      },
    );
    if (!batch) return { outcome: await this.#whyNotOpen(workspaceId, batchId) };
    // A claim that slips in before the files learn of a pause runs to its end, like any
    // file already processing.
    await this.context.upkeep.syncPause(batchId, batch.state_seq ?? 0, paused);
    return null;
  }

  #open(workspaceId: string, batchId: string): Filter<BatchDoc> {
    return { _id: batchId, workspace_id: workspaceId, ...VISIBLE, finished_at: null, cancelled_at: null };
  }

  async #whyNotOpen(workspaceId: string, batchId: string): Promise<'not_found' | 'not_open'> {
    const exists = await this.context.collections.batches.findOne({ _id: batchId, workspace_id: workspaceId, ...VISIBLE }, { projection: { _id: 1 } });
    return exists ? 'not_open' : 'not_found';
  }
}
