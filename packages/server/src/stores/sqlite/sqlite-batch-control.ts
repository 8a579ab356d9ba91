import type { BatchPriority, FileError, ReviewState } from '@batch-uploader/protocol';
import type { BatchControl } from '../../store/batch-control.js';
import { PRIORITY_OFFSET_MS, type AppendOutcome, type FileTransition, type NewFile, type RetryOutcome, type ReviewOutcome } from '../../store/records.js';
import { duration, type SqliteConnection } from './sqlite-connection.js';
import { toFileRecord, toJson, type FileRow } from './sqlite-rows.js';

/** Failed files whose bytes are still kept, so they can run again. */
const RETRYABLE = `status = 'failed' AND blob_key IS NOT NULL AND blob_purged_at IS NULL`;

/**
 * What an operator does to a whole batch in the SQLite store: cancel, pause, resume,
 * retry, append, close (and the expiry of holds for appends).
 * Each is one write transaction, so it sees and changes the batch and its files at once.
 */
export class SqliteBatchControl implements BatchControl {
  constructor(private readonly db: SqliteConnection) {}

  async cancelBatch(
    workspaceId: string,
    batchId: string,
    error: FileError,
  ): Promise<{ outcome: 'cancelled' | 'not_found' | 'not_open'; batch_finished: boolean }> {
    const { db } = this;
    return db.write(() => {
      const state = db.openState(workspaceId, batchId);
      if (state !== 'open') return { outcome: state, batch_finished: false };
      const now = db.now();
      const params = { id: batchId, error: toJson(error), now };
      db.sql('UPDATE batches SET cancelled_at = @now, cancel_error = @error, held_until = NULL WHERE id = @id').run(params);
      db.sql(
        `UPDATE files SET status = 'cancelled', error = @error, completed_at = @now, run_after = NULL
         WHERE batch_id = @id AND status = 'pending'`,
      ).run(params);
      return { outcome: 'cancelled', batch_finished: db.settle(batchId, now) };
    });
  }

  async pauseBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'paused' | 'not_found' | 'not_open' }> {
    const { db } = this;
    return db.write(() => {
      const state = db.openState(workspaceId, batchId);
      if (state !== 'open') return { outcome: state };
      // A second pause keeps the first pause's time.
      db.sql('UPDATE batches SET paused_at = coalesce(paused_at, @now) WHERE id = @id').run({ id: batchId, now: db.now() });
      db.touch(batchId, db.now());
      return { outcome: 'paused' };
    });
  }

  async resumeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'resumed' | 'not_found' | 'not_open' }> {
    const { db } = this;
    return db.write(() => {
      const state = db.openState(workspaceId, batchId);
      if (state !== 'open') return { outcome: state };
      db.sql('UPDATE batches SET paused_at = NULL WHERE id = ?').run(batchId);
      db.touch(batchId, db.now());
      return { outcome: 'resumed' };
    });
  }

  async retryFailedFiles(workspaceId: string, batchId: string): Promise<RetryOutcome> {
    const { db } = this;
    return db.write(() => {
      const batch = db.sql('SELECT priority, cancelled_at FROM batches WHERE id = ? AND workspace_id = ?').get(batchId, workspaceId) as
        { priority: BatchPriority; cancelled_at: number | null } | undefined;
      if (!batch) return { outcome: 'not_found', retried: 0, not_retryable: 0 };
      if (batch.cancelled_at !== null) return { outcome: 'cancelled', retried: 0, not_retryable: 0 };
      const now = db.now();
      const retried = db
        .sql(
          `UPDATE files SET status = 'pending', attempts = 0, error = NULL, result = NULL, started_at = NULL,
             completed_at = NULL, run_after = NULL
           WHERE batch_id = ? AND ${RETRYABLE}`,
        )
        .run(batchId).changes;
      const left = db.sql(`SELECT count(*) AS n FROM files WHERE batch_id = ? AND status = 'failed'`).get(batchId) as { n: number };
      if (retried === 0) return { outcome: 'nothing_to_retry', retried: 0, not_retryable: left.n };
      db.sql('UPDATE batches SET finished_at = NULL, claim_key = max(claim_key, @key) WHERE id = @id').run({
        id: batchId,
        key: now + PRIORITY_OFFSET_MS[batch.priority],
      });
      db.touch(batchId, now);
      return { outcome: 'retried', retried, not_retryable: left.n };
    });
  }

  async appendFiles(workspaceId: string, batchId: string, files: NewFile[], options: { maxFiles: number; holdMs?: number | null }): Promise<AppendOutcome> {
    const holdMs = options.holdMs == null ? null : duration('holdMs', options.holdMs);
    const { maxFiles } = options;
    const { db } = this;
    return db.write(() => {
      const state = db.openState(workspaceId, batchId);
      if (state !== 'open') return { outcome: state };
      const batch = db.sql('SELECT total_files, (SELECT max(position) FROM files WHERE batch_id = @id) AS last FROM batches WHERE id = @id').get({
        id: batchId,
      }) as { total_files: number; last: number | null };
      if (batch.total_files + files.length > maxFiles) return { outcome: 'too_many', total_files: batch.total_files };
      const now = db.now();
      db.insertFiles({ id: batchId, workspace_id: workspaceId }, files, now, (batch.last ?? -1) + 1);
      db.sql('UPDATE batches SET total_files = total_files + @n, held_until = @held WHERE id = @id').run({
        id: batchId,
        n: files.length,
        held: holdMs === null ? null : now + holdMs,
      });
      db.settle(batchId, now);
      return { outcome: 'appended', batch: db.batchById(batchId)! };
    });
  }

  async extendHold(workspaceId: string, batchId: string, holdMs: number): Promise<boolean> {
    const ms = duration('holdMs', holdMs);
    const { db } = this;
    return db.write(() => {
      if (db.openState(workspaceId, batchId) !== 'open') return false;
      const { changes } = db
        .sql('UPDATE batches SET held_until = max(held_until, @held) WHERE id = @id AND held_until IS NOT NULL')
        .run({ id: batchId, held: db.now() + ms });
      return changes > 0;
    });
  }

  async closeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'closed' | 'not_found' | 'not_open'; batch_finished: boolean }> {
    const { db } = this;
    return db.write(() => {
      const state = db.openState(workspaceId, batchId);
      if (state === 'not_found') return { outcome: state, batch_finished: false };
      const batch = db.sql('SELECT cancelled_at, held_until FROM batches WHERE id = ?').get(batchId) as {
        cancelled_at: number | null;
        held_until: number | null;
      };
      if (batch.cancelled_at !== null) return { outcome: 'not_open', batch_finished: false };
      // Closing a batch that is not held (or finished) is a no-op, not a change.
      if (state !== 'open' || batch.held_until === null) return { outcome: 'closed', batch_finished: false };
      db.sql('UPDATE batches SET held_until = NULL WHERE id = ?').run(batchId);
      return { outcome: 'closed', batch_finished: db.settle(batchId, db.now()) };
    });
  }

  async releaseExpiredHolds(): Promise<FileTransition[]> {
    const { db } = this;
    return db.write(() => {
      const now = db.now();
      const expired = db.sql('UPDATE batches SET held_until = NULL WHERE held_until <= ? AND finished_at IS NULL RETURNING id, workspace_id').all(now) as {
        id: string;
        workspace_id: string;
      }[];
      return expired.map(({ id, workspace_id }) => ({ batch_id: id, workspace_id, batch_finished: db.settle(id, now) }));
    });
  }

  async reviewFile(workspaceId: string, batchId: string, fileId: string, input: { decision: ReviewState; decided_by: string }): Promise<ReviewOutcome> {
    const { db } = this;
    return db.write(() => {
      if (db.openState(workspaceId, batchId) === 'not_found') return { outcome: 'not_found' };
      const file = db.sql('SELECT * FROM files WHERE id = ? AND batch_id = ?').get(fileId, batchId) as FileRow | undefined;
      if (!file) return { outcome: 'file_not_found' };
      if (file.status !== 'completed' || file.review_reason === null) return { outcome: 'nothing_to_review' };
      if (file.review_decision !== null) {
        // The first decision stands: a repeat is answered with it, the opposite refused.
        return file.review_decision === input.decision
          ? { outcome: 'reviewed', file: toFileRecord(file) }
          : { outcome: 'already_decided', decision: file.review_decision };
      }
      const now = db.now();
      const row = db
        .sql('UPDATE files SET review_decision = @decision, reviewed_by = @by, reviewed_at = @now WHERE id = @id RETURNING *')
        .get({ id: fileId, decision: input.decision, by: input.decided_by, now }) as FileRow;
      db.touch(batchId, now);
      return { outcome: 'reviewed', file: toFileRecord(row) };
    });
  }
}
