import { errorFields } from '../logger.js';
import type { ResolvedEngineOptions } from './engine-options.js';

const PAGE = 200;
/** Batches whose content one store call purges (up to 50 files each, plus appends). */
const CONTENT_PAGE = 50;

/**
 * Removes file bytes a while after their batch finished (they are health data), then
 * what the records hold of those documents and patients (names, text, metadata, patient
 * and encounter ids), and, when configured, whole batch records after a longer while.
 * Records stay otherwise, so history keeps every batch with its counts, sizes and codes.
 */
export class RetentionSweeper {
  constructor(private readonly options: Pick<ResolvedEngineOptions, 'store' | 'blobs' | 'retention' | 'logger'>) {
    if (typeof options.store.retention.purgeContent !== 'function') {
      throw new TypeError(
        'BatchEngine: the store\'s "retention" role lacks purgeContent(), which removes names, document text and patient ids with the bytes (see Retention); a store must offer it.',
      );
    }
  }

  /** One pass; returns how many files' bytes, batches' content and batches were removed. */
  async sweep(): Promise<{ blobs: number; contents: number; batches: number }> {
    const { store, blobs, retention, logger } = this.options;
    let purged = 0;
    let contents = 0;
    let batches = 0;
    try {
      for (;;) {
        const page = await store.retention.listPurgeableBlobs({ olderThanMs: retention.blobsAfterMs, limit: PAGE });
        if (page.length === 0) break;
        const done: string[] = [];
        for (const { file_id, blob_key } of page) {
          try {
            await blobs.delete(blob_key);
            done.push(file_id);
          } catch (error) {
            logger.warn({ file_id, ...errorFields(error) }, 'removing stored bytes failed');
          }
        }
        await store.retention.markBlobsPurged(done);
        purged += done.length;
        if (done.length < page.length || page.length < PAGE) break;
      }
      // With the bytes gone, what the records hold of the documents goes too (a batch
      // whose bytes could not all be removed keeps it until they are).
      for (;;) {
        const count = await store.retention.purgeContent({ olderThanMs: retention.blobsAfterMs, limit: CONTENT_PAGE });
        contents += count;
        if (count < CONTENT_PAGE) break;
      }
      if (retention.batchesAfterMs !== null) {
        batches = await store.retention.deleteFinishedBatches({ olderThanMs: retention.batchesAfterMs });
      }
      if (purged > 0 || contents > 0 || batches > 0) {
        logger.info({ files: purged, purged_batches: contents, batches }, 'retention removed expired data');
      }
    } catch (error) {
      logger.error({ ...errorFields(error) }, 'retention sweep failed');
    }
    return { blobs: purged, contents, batches };
  }
}
