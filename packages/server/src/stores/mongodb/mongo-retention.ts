import type { AnyBulkWriteOperation } from 'mongodb';
import type { FileError } from '@batch-uploader/protocol';
import { purgedFile } from '../../store/purged-content.js';
import type { Retention } from '../../store/retention.js';
import { toJson, type FileDoc } from './mongo-documents.js';
import { purgeBatch, purgeFile, stamp, touchBatch } from './mongo-pipelines.js';
import { duration, type MongoStoreContext } from './mongo-store-context.js';

/** Files with bytes still kept. */
const KEPT = Object.freeze({ blob_key: { $ne: null }, blob_purged_at: null });

/**
 * Retention of the MongoDB store: which bytes may go, recording that they went, and
 * removing old batches. Cutoffs are computed from the server's clock (`now`), never the
 * caller's. A finished batch whose bytes are all gone gets `blobs_purged_at`, so the
 * `retention` index leads only to batches that still keep bytes.
 */
export class MongoRetention implements Retention {
  constructor(private readonly context: MongoStoreContext) {}

  /** Files of batches finished `olderThanMs` ago or earlier whose bytes are kept, oldest batch first. */
  async listPurgeableBlobs(input: { olderThanMs: number; limit: number }): Promise<{ file_id: string; blob_key: string }[]> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    const { limit } = input;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('listPurgeableBlobs: `limit` must be a whole number ≥ 0.');
    const { batches, files } = this.context.collections;
    const cutoff = await this.context.cutoff(olderThanMs);
    const found: { file_id: string; blob_key: string }[] = [];
    if (limit === 0) return found;
    const candidates = batches.find(
      { blobs_purged_at: null, finished_at: { $ne: null, $lte: cutoff } },
      { sort: { finished_at: 1, _id: 1 }, projection: { _id: 1 } },
    );
    try {
      for await (const batch of candidates) {
        const kept = await files
          .find({ batch_id: batch._id, ...KEPT }, { sort: { position: 1, _id: 1 }, limit: limit - found.length, projection: { blob_key: 1 } })
          .toArray();
        // Nothing kept (no bytes were stored, or a crash came between purge and mark): record it once.
        if (kept.length === 0) await this.#markBatchPurged(batch._id);
        for (const file of kept) found.push({ file_id: file._id, blob_key: file.blob_key! });
        if (found.length >= limit) break;
      }
    } finally {
      await candidates.close();
    }
    return found;
  }

  /** Records that these files' bytes were removed, and touches their batches. */
  async markBlobsPurged(fileIds: string[]): Promise<void> {
    const { batches, files } = this.context.collections;
    if (fileIds.length === 0) return;
    const now = this.context.nowExpr();
    const filter = { _id: { $in: fileIds }, ...KEPT };
    const batchIds = [...new Set((await files.find(filter, { projection: { batch_id: 1 } }).toArray()).map((f) => f.batch_id))];
    if (batchIds.length === 0) return;
    await files.updateMany(filter, stamp(now, 'blob_purged_at'));
    await batches.updateMany({ _id: { $in: batchIds } }, touchBatch(now));
    for (const batchId of batchIds) {
      if (!(await files.findOne({ batch_id: batchId, ...KEPT }, { projection: { _id: 1 } }))) await this.#markBatchPurged(batchId);
    }
  }

  /**
   * Purges the content of batches finished `olderThanMs` ago or earlier whose bytes are
   * all gone (the `content` index leads only to batches not purged yet): their files
   * first, in one bulk write, then the batch, so that a crash in between leaves a batch
   * the next sweep purges again (purging a purged file changes nothing).
   */
  async purgeContent(input: { olderThanMs: number; limit: number }): Promise<number> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    const { limit } = input;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('purgeContent: `limit` must be a whole number ≥ 0.');
    if (limit === 0) return 0;
    const { batches, files } = this.context.collections;
    const cutoff = await this.context.cutoff(olderThanMs);
    const candidates = batches.find(
      { content_purged_at: null, finished_at: { $ne: null, $lte: cutoff } },
      { sort: { finished_at: 1 }, projection: { _id: 1 } },
    );
    let purged = 0;
    try {
      for await (const batch of candidates) {
        if (await files.findOne({ batch_id: batch._id, ...KEPT }, { projection: { _id: 1 } })) continue;
        // One instant for the batch and its files, read from the store's clock.
        const now = await this.context.now();
        const held = await files.find({ batch_id: batch._id }, { projection: { result: 1, error: 1 } }).toArray();
        const writes = held.map((file): AnyBulkWriteOperation<FileDoc> => {
          const content = purgedFile({
            result: typeof file.result === 'string' ? (JSON.parse(file.result) as unknown) : null,
            error: typeof file.error === 'string' ? (JSON.parse(file.error) as FileError) : null,
          });
          const update = purgeFile(now, { filename: content.filename, result: toJson(content.result), error: toJson(content.error) });
          return { updateOne: { filter: { _id: file._id }, update } };
        });
        if (writes.length > 0) await files.bulkWrite(writes, { ordered: false });
        await batches.updateOne({ _id: batch._id, content_purged_at: null }, purgeBatch(now));
        if (++purged >= limit) break;
      }
    } finally {
      await candidates.close();
    }
    return purged;
  }

  /**
   * Deletes batches finished `olderThanMs` ago or earlier whose bytes are all gone, with
   * their files. A batch is hidden first and deleted last, so that a crash in between
   * leaves a hidden batch that the next sweep completes, never visible files of a missing batch.
   */
  async deleteFinishedBatches(input: { olderThanMs: number }): Promise<number> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    const { batches, files } = this.context.collections;
    const cutoff = await this.context.cutoff(olderThanMs);
    const candidates = await batches.find({ finished_at: { $ne: null, $lte: cutoff } }, { sort: { finished_at: 1, _id: 1 }, projection: { _id: 1 } }).toArray();
    let deleted = 0;
    for (const { _id } of candidates) {
      if (await files.findOne({ batch_id: _id, ...KEPT }, { projection: { _id: 1 } })) continue;
      await batches.updateOne({ _id }, { $set: { hidden: 'deleting' } });
      await files.deleteMany({ batch_id: _id });
      deleted += (await batches.deleteOne({ _id })).deletedCount;
    }
    return deleted;
  }

  async #markBatchPurged(batchId: string): Promise<void> {
    await this.context.collections.batches.updateOne({ _id: batchId, blobs_purged_at: null }, stamp(this.context.nowExpr(), 'blobs_purged_at'));
  }
}
