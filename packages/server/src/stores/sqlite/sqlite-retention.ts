import type { FileError } from '@batch-uploader/protocol';
import { purgedFile } from '../../store/purged-content.js';
import type { Retention } from '../../store/retention.js';
import { duration, type SqliteConnection } from './sqlite-connection.js';
import { toJson } from './sqlite-rows.js';

/** Retention in the SQLite store: cutoffs from the store's clock; file rows go with their batch. */
export class SqliteRetention implements Retention {
  constructor(private readonly db: SqliteConnection) {}

  async listPurgeableBlobs(input: { olderThanMs: number; limit: number }): Promise<{ file_id: string; blob_key: string }[]> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    if (!Number.isInteger(input.limit) || input.limit < 0) {
      throw new RangeError('listPurgeableBlobs: `limit` must be a whole number ≥ 0.');
    }
    return this.db
      .sql(
        `SELECT f.id AS file_id, f.blob_key FROM batches b
         JOIN files f ON f.batch_id = b.id AND f.blob_key IS NOT NULL AND f.blob_purged_at IS NULL
         WHERE b.finished_at IS NOT NULL AND b.finished_at <= @cutoff
         ORDER BY b.finished_at, f.batch_id, f.position, f.id LIMIT @limit`,
      )
      .all({ cutoff: this.db.now() - olderThanMs, limit: input.limit }) as { file_id: string; blob_key: string }[];
  }

  async markBlobsPurged(fileIds: string[]): Promise<void> {
    if (fileIds.length === 0) return;
    const { db } = this;
    db.write(() => {
      const now = db.now();
      const rows = db
        .sql(
          `UPDATE files SET blob_purged_at = @now
           WHERE id IN (SELECT value FROM json_each(@ids)) AND blob_key IS NOT NULL AND blob_purged_at IS NULL
           RETURNING batch_id`,
        )
        .all({ now, ids: JSON.stringify(fileIds) }) as { batch_id: string }[];
      for (const batchId of new Set(rows.map((r) => r.batch_id))) db.touch(batchId, now);
    });
  }

  async purgeContent(input: { olderThanMs: number; limit: number }): Promise<number> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    if (!Number.isInteger(input.limit) || input.limit < 0) throw new RangeError('purgeContent: `limit` must be a whole number ≥ 0.');
    const { db } = this;
    return db.write(() => {
      const now = db.now();
      const batches = db
        .sql(
          `SELECT b.id FROM batches b
           WHERE b.finished_at IS NOT NULL AND b.finished_at <= @cutoff AND b.content_purged_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM files f
               WHERE f.batch_id = b.id AND f.blob_key IS NOT NULL AND f.blob_purged_at IS NULL)
           ORDER BY b.finished_at, b.id LIMIT @limit`,
        )
        .all({ cutoff: now - olderThanMs, limit: input.limit }) as { id: string }[];
      const purge = db.sql('UPDATE files SET filename = @filename, result = @result, error = @error, content_purged_at = @now WHERE id = @id');
      for (const { id } of batches) {
        const files = db.sql('SELECT id, result, error FROM files WHERE batch_id = ?').all(id) as { id: string; result: string | null; error: string | null }[];
        for (const file of files) {
          const purged = purgedFile({
            result: file.result === null ? null : (JSON.parse(file.result) as unknown),
            error: file.error === null ? null : (JSON.parse(file.error) as FileError),
          });
          purge.run({ id: file.id, filename: purged.filename, result: toJson(purged.result), error: toJson(purged.error), now });
        }
        db.sql('UPDATE batches SET patient_id = NULL, encounter_id = NULL, content_purged_at = ? WHERE id = ?').run(now, id);
        db.touch(id, now);
      }
      return batches.length;
    });
  }

  async deleteFinishedBatches(input: { olderThanMs: number }): Promise<number> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    // File rows go with their batch through ON DELETE CASCADE.
    const info = this.db
      .sql(
        `DELETE FROM batches
         WHERE finished_at IS NOT NULL AND finished_at <= @cutoff
           AND NOT EXISTS (SELECT 1 FROM files f
             WHERE f.batch_id = batches.id AND f.blob_key IS NOT NULL AND f.blob_purged_at IS NULL)`,
      )
      .run({ cutoff: this.db.now() - olderThanMs });
    return info.changes;
  }
}
