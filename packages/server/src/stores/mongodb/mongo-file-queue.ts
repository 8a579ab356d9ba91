import { randomUUID } from 'node:crypto';
import type { Document } from 'mongodb';
import type { FileError } from '@batch-uploader/protocol';
import type { FileQueue } from '../../store/file-queue.js';
import type { ClaimedFile, FileOutcome, FileTransition } from '../../store/records.js';
import { ACTIVE_STATUSES, toFileRecord, toJson, type FileDoc } from './mongo-documents.js';
import * as pipelines from './mongo-pipelines.js';
import { duration, type MongoStoreContext } from './mongo-store-context.js';

/** Groups of tied workspaces a claim tries one after the other; any further ones are tried together. */
const MAX_TIERS = 8;

const EPOCH = new Date(0);

/**
 * The processing queue of the MongoDB store, for any number of instances sharing it.
 *
 * Claiming reads which workspaces have pending files (a distinct scan of the
 * `claim_by_workspace` index), puts them in turn order — fewest files processing, then
 * oldest last claim, both read from the store, so every instance sees the same turns —
 * and takes the first ready file of the first of them that has one with one atomic
 * `findOneAndUpdate`, in claim order. Whatever that filter needs about the batch (its
 * claim key and whether it was cancelled or paused) is copied onto its files and kept in
 * step. A claim issues a random lease token; renew, finish and release put it in their
 * filter, so a worker whose lease ran out (and whose file someone else now holds)
 * changes nothing.
 */
export class MongoFileQueue implements FileQueue {
  constructor(private readonly context: MongoStoreContext) {}

  async claimFile(input: { owner: string; leaseMs: number }): Promise<ClaimedFile | null> {
    const leaseMs = duration('leaseMs', input.leaseMs);
    const { files, turns } = this.context.collections;
    const token = randomUUID();
    const waiting = (await files.distinct('workspace_id', pipelines.WAITING)) as string[];
    if (waiting.length === 0) return null;
    const { tiers, latest } = await this.#rotation(waiting);
    for (const tier of tiers) {
      const now = this.context.nowExpr();
      // The one atomic step: of any number of claimers, in any number of processes, exactly
      // one turns a given pending file into processing under its token. Two claimers that
      // picked the same workspace take its next two files.
      const file = await files.findOneAndUpdate(
        { ...pipelines.readyToClaim(now), workspace_id: tier.length === 1 ? tier[0]! : { $in: tier } },
        pipelines.claimFile(now, input.owner, token, leaseMs),
        { sort: pipelines.CLAIM_SORT, returnDocument: 'after' },
      );
      if (!file) continue;
      // A crash before this write only leaves the workspace's turn a claim behind.
      await turns.updateOne({ _id: file.workspace_id }, pipelines.takeTurn(this.context.nowExpr(), latest), { upsert: true });
      return this.#claimed(file, token);
    }
    return null;
  }

  /**
   * The waiting workspaces in turn order, in groups of those tied (the claim order
   * decides within a group), and the latest last claim among them.
   */
  async #rotation(waiting: string[]): Promise<{ tiers: string[][]; latest: Date }> {
    if (waiting.length === 1) return { tiers: [waiting], latest: EPOCH };
    const { files, turns } = this.context.collections;
    const [processing, seen] = await Promise.all([
      files
        .aggregate<{ _id: string; n: number }>([
          { $match: { status: 'processing', workspace_id: { $in: waiting } } },
          { $group: { _id: '$workspace_id', n: { $sum: 1 } } },
        ])
        .toArray(),
      turns.find({ _id: { $in: waiting } }).toArray(),
    ]);
    const held = new Map(processing.map((p) => [p._id, p.n]));
    const last = new Map(seen.map((t) => [t._id, t.last_claim_at.getTime()]));
    const keyOf = (workspace: string): string => `${held.get(workspace) ?? 0}:${last.get(workspace) ?? 0}`;
    const sorted = [...waiting].sort((a, b) => (held.get(a) ?? 0) - (held.get(b) ?? 0) || (last.get(a) ?? 0) - (last.get(b) ?? 0));
    const tiers: string[][] = [];
    for (const [index, workspace] of sorted.entries()) {
      const tied = index > 0 && keyOf(sorted[index - 1]!) === keyOf(workspace);
      if (tied || tiers.length === MAX_TIERS) tiers.at(-1)!.push(workspace);
      else tiers.push([workspace]);
    }
    return { tiers, latest: new Date(Math.max(0, ...last.values())) };
  }

  /** After the claim: its batch steps back in the claim order, and the claim is returned with the batch. */
  async #claimed(file: FileDoc, token: string): Promise<ClaimedFile> {
    const { batches, files } = this.context.collections;
    const now = this.context.nowExpr();
    // The batch moves back one step in the claim order, and its files follow with $max,
    // so concurrent claims converge on the largest key whatever order they land in.
    // A crash in between only leaves the order a step behind; correctness never depends on it.
    const batch = await batches.findOneAndUpdate({ _id: file.batch_id }, pipelines.stepClaimOrder(now), { returnDocument: 'after' });
    if (!batch) throw new Error(`MongoStore: claimed file ${file._id} belongs to no batch.`);
    await files.updateMany(
      { batch_id: file.batch_id, status: { $in: ACTIVE_STATUSES }, claim_at: { $lt: batch.claim_at } },
      { $max: { claim_at: batch.claim_at } },
    );
    const [record] = await this.context.withCounts([batch]);
    return { file: toFileRecord(file), batch: record!, token };
  }

  async renewLease(fileId: string, token: string, leaseMs: number): Promise<boolean> {
    const ms = duration('leaseMs', leaseMs);
    const result = await this.context.collections.files.updateOne(
      { _id: fileId, lease_token: token, status: 'processing' },
      pipelines.renewLease(this.context.nowExpr(), ms),
    );
    return result.matchedCount === 1;
  }

  async finishFile(fileId: string, token: string, outcome: FileOutcome): Promise<FileTransition | null> {
    if (outcome.status !== 'completed' && outcome.status !== 'failed') {
      throw new TypeError('finishFile: `outcome.status` must be "completed" or "failed".');
    }
    const update = pipelines.finishFile(
      this.context.nowExpr(),
      outcome.status,
      outcome.status === 'completed' ? toJson(outcome.result) : null,
      outcome.status === 'failed' ? toJson(outcome.error) : null,
      outcome.status === 'completed' ? toJson(outcome.review ?? null) : null,
    );
    return this.#transition(fileId, token, update);
  }

  async releaseFile(
    fileId: string,
    token: string,
    input: { delayMs: number; error: FileError | null; refundAttempt: boolean },
  ): Promise<FileTransition | null> {
    const delayMs = duration('delayMs', input.delayMs);
    return this.#transition(fileId, token, pipelines.releaseFile(this.context.nowExpr(), delayMs, toJson(input.error), input.refundAttempt));
  }

  async reclaimExpired(input: { maxAttempts: number; error: FileError }): Promise<FileTransition[]> {
    const { files } = this.context.collections;
    const { upkeep } = this.context;
    // The repair pass first: should it fail, this sweep fails before any file changed, and
    // the next sweep retries both (the engine logs the error).
    const transitions: FileTransition[] = await upkeep.repair();
    // One file per atomic write: two instances sweeping at once never handle a file twice.
    for (;;) {
      const now = this.context.nowExpr();
      const file = await files.findOneAndUpdate(pipelines.leaseExpired(now), pipelines.reclaimFile(now, input.maxAttempts, toJson(input.error)), {
        sort: { lease_expires_at: 1, _id: 1 },
        projection: { batch_id: 1, workspace_id: 1, status: 1, attempts: 1 },
        returnDocument: 'after',
      });
      if (!file) break;
      transitions.push({
        batch_id: file.batch_id,
        workspace_id: file.workspace_id,
        batch_finished: await upkeep.settle(file.batch_id),
        file: { id: file._id, status: file.status, attempts: file.attempts },
      });
    }
    return transitions;
  }

  /** Applies a token-guarded update to a held file, then settles its batch; null when not held. */
  async #transition(fileId: string, token: string, update: Document[]): Promise<FileTransition | null> {
    // The token in the filter is what keeps a worker that lost its lease from writing.
    const file = await this.context.collections.files.findOneAndUpdate({ _id: fileId, lease_token: token, status: 'processing' }, update, {
      projection: { batch_id: 1, workspace_id: 1 },
    });
    if (!file) return null;
    return { batch_id: file.batch_id, workspace_id: file.workspace_id, batch_finished: await this.context.upkeep.settle(file.batch_id) };
  }
}
