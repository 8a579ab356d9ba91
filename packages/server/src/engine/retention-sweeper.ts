import { errorFields } from '../logger.js';
import type { ResolvedEngineOptions } from './engine-options.js';

const PAGE = 200;

/**
 * Removes file bytes a while after their batch finished (they are health data), and,
 * when configured, whole batch records after a longer while. Records stay otherwise,
 * so history keeps every batch with its counts.
 */
export class RetentionSweeper {
  constructor(private readonly options: Pick<ResolvedEngineOptions, 'store' | 'blobs' | 'retention' | 'logger'>) {}

  /** One pass; returns how many files' bytes and how many batches were removed. */
  async sweep(): Promise<{ blobs: number; batches: number }> {
    const { store, blobs, retention, logger } = this.options;
    let purged = 0;
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
      if (retention.batchesAfterMs !== null) {
        batches = await store.retention.deleteFinishedBatches({ olderThanMs: retention.batchesAfterMs });
      }
      if (purged > 0 || batches > 0) logger.info({ files: purged, batches }, 'retention removed expired data');
    } catch (error) {
      logger.error({ ...errorFields(error) }, 'retention sweep failed');
    }
    return { blobs: purged, batches };
  }
}
