import { PRIORITY_OFFSET_MS } from '../../store/records.js';
import type { BatchRecord, BatchWithFiles, HistoryCursor, NewBatch, NewFile } from '../../store/records.js';
import type { BatchRecords } from '../../store/batch-records.js';
import { duration, type SqliteConnection } from './sqlite-connection.js';
import { BATCH_SELECT, toBatchRecord, toFileRecord } from './sqlite-rows.js';
import type { BatchRow, FileRow } from './sqlite-rows.js';

/** Batches and their files in the SQLite store: a batch and its files are written in one transaction. */
export class SqliteBatchRecords implements BatchRecords {
  constructor(private readonly db: SqliteConnection) {}

  async createBatch(batch: NewBatch, files: NewFile[]): Promise<BatchRecord> {
    const { db } = this;
    return db.write(() => {
      const now = db.now();
      db.sql(
        `INSERT INTO batches (id, workspace_id, priority, patient_id, template_id, encounter_id,
           total_files, claim_key, created_at, updated_at, held_until, expected_files)
         VALUES (@id, @workspace_id, @priority, @patient_id, @template_id, @encounter_id,
           @total_files, @claim_key, @now, @now, @held_until, @expected_files)`,
      ).run({
        id: batch.id,
        workspace_id: batch.workspace_id,
        priority: batch.priority,
        patient_id: batch.patient_id ?? null,
        template_id: batch.template_id ?? null,
        encounter_id: batch.encounter_id ?? null,
        total_files: files.length,
        claim_key: now + PRIORITY_OFFSET_MS[batch.priority],
        now,
        held_until: batch.hold_ms == null ? null : now + duration('hold_ms', batch.hold_ms),
        expected_files: batch.expected_files ?? null,
      });
      db.insertFiles(batch, files, now, null);
      db.settle(batch.id, now);
      return db.batchById(batch.id) as BatchRecord;
    });
  }

  async getBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles | null> {
    const { db } = this;
    return db.read(() => {
      const row = db.sql(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.id = ? AND b.workspace_id = ?`).get(batchId, workspaceId) as BatchRow | undefined;
      if (!row) return null;
      const files = db.sql('SELECT * FROM files WHERE batch_id = ? ORDER BY position, id').all(batchId) as FileRow[];
      return { batch: toBatchRecord(row), files: files.map(toFileRecord) };
    });
  }

  async getBatchSummary(workspaceId: string, batchId: string): Promise<BatchRecord | null> {
    const row = this.db.sql(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.id = ? AND b.workspace_id = ?`).get(batchId, workspaceId) as BatchRow | undefined;
    return row ? toBatchRecord(row) : null;
  }

  async getBatchVersion(workspaceId: string, batchId: string): Promise<number | null> {
    const row = this.db.sql('SELECT version FROM batches WHERE id = ? AND workspace_id = ?').get(batchId, workspaceId) as { version: number } | undefined;
    return row ? row.version : null;
  }

  async listBatches(workspaceId: string, query: { limit: number; cursor?: HistoryCursor }): Promise<BatchRecord[]> {
    const { limit, cursor } = query;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('listBatches: `limit` must be a whole number ≥ 0.');
    if (limit === 0) return [];
    const order = 'ORDER BY b.created_at DESC, b.id DESC LIMIT @limit';
    const rows = cursor
      ? this.db
          .sql(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.workspace_id = @ws AND (b.created_at, b.id) < (@at, @id) ${order}`)
          .all({ ws: workspaceId, at: cursor.created_at.getTime(), id: cursor.id, limit })
      : this.db.sql(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.workspace_id = @ws ${order}`).all({ ws: workspaceId, limit });
    return (rows as BatchRow[]).map(toBatchRecord);
  }
}
