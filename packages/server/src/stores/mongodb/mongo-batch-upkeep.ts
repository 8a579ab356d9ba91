import type { FileStatus } from '@batch-uploader/protocol';
import type { FileCounts, FileTransition } from '../../store/records.js';
import { ACTIVE_STATUSES, AWAITS_REVIEW_EXPR, REJECTED_AT_REVIEW_EXPR, countsFrom } from './mongo-documents.js';
import type { BatchDoc, ReviewCounts } from './mongo-documents.js';
import type { MongoClock } from './mongo-clock.js';
import { cancelFiles, settleBatch, stamp } from './mongo-pipelines.js';
import type { MongoCollections } from './mongo-schema.js';

/** How long a batch may sit unchanged before the repair pass looks at it. */
const STALE_AFTER_MS = 60_000;
/** How long a batch may stay half-created before it counts as abandoned. */
const ABANDONED_AFTER_MS = 10 * 60_000;
/** Open batches the repair pass looks at per run. */
const REPAIR_PAGE = 500;
/**
 * Batches no append is storing files into and not held open for appends: only those may
 * finish (`held_until: null` also matches batches stored before holds existed).
 */
const MAY_FINISH = Object.freeze({ appending: { $not: { $gt: 0 } }, held_until: null });

/**
 * Keeps batch documents consistent with their files without transactions.
 *
 * A file transition is one atomic write to one file document; what the batch shows
 * follows from the files: counts are derived at read time, and `finished_at` is set by
 * `settle` after every transition. `settle` reads "is any file still pending or
 * processing?" and then finishes the batch with a write conditional on `finished_at:
 * null`, so it is idempotent and order-independent: of two transitions that race, the
 * later read sees both, because a file only becomes active again through a retry (which
 * reopens the batch after its files) or an append (which holds the batch open while it
 * stores them). Exactly one caller's conditional write matches (`batch_finished: true` once).
 *
 * What a crash between the file write and `settle` (or in the middle of a cancel, a
 * pause, an append or a createBatch) leaves behind is repaired by `repair()`, which the engine's periodic
 * reclaim sweep runs: it re-applies the same idempotent steps to batches that have not
 * changed for a minute, and moves their version on (the touch the crash skipped).
 */
export class BatchUpkeep {
  #nextRepairAt = 0;

  constructor(
    private readonly collections: MongoCollections,
    private readonly clock: MongoClock,
  ) {}

  /**
   * Touches the batch and finishes it when no file can change any more (and no append is
   * storing files into it, and it is not held open for appends); true when this call finished it. The conditional write
   * decides: of two settles racing, exactly one finds finished_at null.
   */
  async settle(batchId: string): Promise<boolean> {
    const { batches } = this.collections;
    if (!(await this.#hasActiveFile(batchId))) {
      const finished = await batches.updateOne({ _id: batchId, finished_at: null, ...MAY_FINISH }, settleBatch(this.clock.expr(), true));
      if (finished.modifiedCount === 1) return true;
    }
    await batches.updateOne({ _id: batchId }, settleBatch(this.clock.expr(), false));
    return false;
  }

  /** Counts by status of each batch, and of its files waiting for review or rejected at review, from its files. */
  async countsOf(batchIds: string[]): Promise<Map<string, { counts: FileCounts } & ReviewCounts>> {
    const rows = await this.collections.files
      .aggregate<{ _id: { batch_id: string; status: FileStatus; awaiting: boolean; rejected: boolean }; n: number }>([
        { $match: { batch_id: { $in: batchIds } } },
        { $group: { _id: { batch_id: '$batch_id', status: '$status', awaiting: AWAITS_REVIEW_EXPR, rejected: REJECTED_AT_REVIEW_EXPR }, n: { $sum: 1 } } },
      ])
      .toArray();
    const counts = new Map<string, { counts: FileCounts } & ReviewCounts>();
    const sum = (some: typeof rows) => some.reduce((total, r) => total + r.n, 0);
    for (const id of batchIds) {
      const own = rows.filter((r) => r._id.batch_id === id);
      counts.set(id, {
        counts: countsFrom(own.map((r) => ({ status: r._id.status, n: r.n }))),
        needsReview: sum(own.filter((r) => r._id.awaiting)),
        rejectedAtReview: sum(own.filter((r) => r._id.rejected)),
      });
    }
    return counts;
  }

  /** Tells every file of a cancelled batch, and ends its pending files (idempotent). */
  async propagateCancel(batchId: string, cancelError: string | null): Promise<void> {
    await this.collections.files.updateMany({ batch_id: batchId }, cancelFiles(this.clock.expr(), cancelError));
  }

  /**
   * Gives the batch's open files the pause state numbered `seq` (see `BatchDoc.state_seq`).
   * Idempotent, and a state of a lower number never overwrites one of a higher number.
   */
  async syncPause(batchId: string, seq: number, paused: boolean): Promise<void> {
    await this.collections.files.updateMany(
      { batch_id: batchId, batch_state: { $in: ['open', 'paused'] }, $expr: { $lt: [{ $ifNull: ['$state_seq', 0] }, seq] } },
      { $set: { batch_state: paused ? 'paused' : 'open', state_seq: seq } },
    );
  }

  /**
   * Finishes what a crashed process left half done; runs at most once a minute per store.
   * Returns transitions for batches it finished, so live views can end.
   */
  async repair(): Promise<FileTransition[]> {
    if (Date.now() < this.#nextRepairAt) return [];
    this.#nextRepairAt = Date.now() + STALE_AFTER_MS;
    const now = (await this.clock.now()).getTime();
    const { batches } = this.collections;

    // A createBatch that died half way: never shown nor claimed. Marking it finished lets
    // retention purge whatever bytes its files kept, and later delete it.
    await batches.updateMany(
      { hidden: 'creating', finished_at: null, created_at: { $lte: new Date(now - ABANDONED_AFTER_MS) } },
      stamp(this.clock.expr(), 'finished_at'),
    );

    const stale = await batches
      .find(
        { finished_at: null, hidden: { $exists: false }, updated_at: { $lte: new Date(now - STALE_AFTER_MS) } },
        { projection: { _id: 1, workspace_id: 1, cancelled_at: 1, cancel_error: 1, paused_at: 1, state_seq: 1, appending: 1 }, limit: REPAIR_PAGE },
      )
      .toArray();
    const transitions: FileTransition[] = [];
    for (const batch of stale) {
      if ((batch.appending ?? 0) > 0) await this.#clearCrashedAppends(batch._id, new Date(now - STALE_AFTER_MS));
      if (batch.cancelled_at) await this.propagateCancel(batch._id, batch.cancel_error);
      else if (batch.state_seq !== undefined) await this.syncPause(batch._id, batch.state_seq, Boolean(batch.paused_at));
      if (await this.#finishIfDone(batch)) {
        transitions.push({ batch_id: batch._id, workspace_id: batch.workspace_id, batch_finished: true });
      } else {
        // A process that died between a file's write and its batch's touch left the
        // version behind the files: moving it keeps an answer built before that write
        // from being served as current. updated_at stays (a check is not a change).
        await batches.updateOne({ _id: batch._id }, { $inc: { version: 1 } });
      }
    }
    return transitions;
  }

  /** Like settle, but leaves updated_at alone unless the batch finishes (a check is not a change). */
  async #finishIfDone(batch: Pick<BatchDoc, '_id'>): Promise<boolean> {
    if (await this.#hasActiveFile(batch._id)) return false;
    const result = await this.collections.batches.updateOne({ _id: batch._id, finished_at: null, ...MAY_FINISH }, settleBatch(this.clock.expr(), true));
    return result.modifiedCount === 1;
  }

  /**
   * An append whose process died between reserving positions and ending leaves its
   * count in flight forever: the batch's total becomes what its files are, and it may finish.
   */
  async #clearCrashedAppends(batchId: string, staleBefore: Date): Promise<void> {
    const stored = await this.collections.files.countDocuments({ batch_id: batchId });
    await this.collections.batches.updateOne(
      { _id: batchId, appending: { $gt: 0 }, updated_at: { $lte: staleBefore } },
      { $set: { appending: 0, total_files: stored } },
    );
  }

  async #hasActiveFile(batchId: string): Promise<boolean> {
    const active = await this.collections.files.findOne({ batch_id: batchId, status: { $in: ACTIVE_STATUSES } }, { projection: { _id: 1 } });
    return active !== null;
  }
}
