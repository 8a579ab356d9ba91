import { randomUUID } from 'node:crypto';
import type { FileError, FileStatus } from '@batch-uploader/protocol';
import { CLAIM_STEP_MS, PRIORITY_OFFSET_MS } from '../../store/records.js';
import type {
  AppendOutcome,
  BatchRecord,
  BatchWithFiles,
  ClaimedFile,
  FileOutcome,
  FileTransition,
  HistoryCursor,
  NewBatch,
  NewFile,
  NewWebhookEvent,
  RetryOutcome,
  WebhookDelivery,
  WebhookOutcome,
  WorkspaceAnalytics,
} from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { SqliteAnalytics } from './sqlite-analytics.js';
import { SqliteBatchControl } from './sqlite-batch-control.js';
import { SqliteConnection, duration } from './sqlite-connection.js';
import { SqliteWebhookOutbox } from './sqlite-webhook-outbox.js';
import { BATCH_SELECT, toBatchRecord, toFileRecord, toJson } from './sqlite-rows.js';
import type { BatchRow, FileRow } from './sqlite-rows.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Path of the database file; its folder is created by `init()`. Several processes may
   * share one file on one machine (not over a network file system).
   * @example './data/batch-uploader.sqlite'
   */
  path: string;
  /**
   * The store's clock, in epoch milliseconds. Replace it only to test time-dependent rules.
   * @default Date.now
   */
  now?: () => number;
}

type FileHold = Pick<FileRow, 'batch_id' | 'workspace_id' | 'attempts'> & {
  id: string;
  cancelled_at: number | null;
  cancel_error: string | null;
};

// The first pending, ready file of each open batch, taken from the batch first in claim order.
const PICK_NEXT = `
  SELECT file_id FROM (
    SELECT b.claim_key, b.id,
      (SELECT f.id FROM files f
        WHERE f.batch_id = b.id AND f.status = 'pending' AND (f.run_after IS NULL OR f.run_after <= ?)
        ORDER BY f.position, f.id LIMIT 1) AS file_id
    FROM batches b
    WHERE b.finished_at IS NULL AND b.cancelled_at IS NULL AND b.paused_at IS NULL
  ) WHERE file_id IS NOT NULL
  ORDER BY claim_key, id LIMIT 1`;

const CLEAR_LEASE = 'lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL';

/** The embedded default store: batches and files in one SQLite file, shared safely by several processes. */
export class SqliteStore implements Store {
  readonly #db: SqliteConnection;
  readonly #control: SqliteBatchControl;
  readonly #outbox: SqliteWebhookOutbox;
  readonly #analytics: SqliteAnalytics;

  constructor(options: SqliteStoreOptions) {
    if (typeof options?.path !== 'string' || options.path.trim() === '') {
      throw new TypeError('SqliteStore: `path` must name the database file, e.g. "./data/batches.sqlite".');
    }
    this.#db = new SqliteConnection(options.path, options.now ?? Date.now);
    this.#control = new SqliteBatchControl(this.#db);
    this.#outbox = new SqliteWebhookOutbox(this.#db);
    this.#analytics = new SqliteAnalytics(this.#db);
  }

  async init(): Promise<void> {
    await this.#db.open();
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  async createBatch(batch: NewBatch, files: NewFile[]): Promise<BatchRecord> {
    return this.#write(() => {
      const now = this.#now();
      this.#sql(
        `INSERT INTO batches (id, workspace_id, priority, patient_id, template_id, encounter_id,
           total_files, claim_key, created_at, updated_at, held_until)
         VALUES (@id, @workspace_id, @priority, @patient_id, @template_id, @encounter_id,
           @total_files, @claim_key, @now, @now, @held_until)`,
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
      });
      this.#db.insertFiles(batch, files, now, null);
      this.#settle(batch.id, now);
      return this.#batchById(batch.id) as BatchRecord;
    });
  }

  async getBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles | null> {
    return this.#read(() => {
      const row = this.#sql(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.id = ? AND b.workspace_id = ?`).get(
        batchId,
        workspaceId,
      ) as BatchRow | undefined;
      if (!row) return null;
      const files = this.#sql('SELECT * FROM files WHERE batch_id = ? ORDER BY position, id').all(batchId) as FileRow[];
      return { batch: toBatchRecord(row), files: files.map(toFileRecord) };
    });
  }

  async getBatchSummary(workspaceId: string, batchId: string): Promise<BatchRecord | null> {
    const row = this.#sql(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.id = ? AND b.workspace_id = ?`).get(
      batchId,
      workspaceId,
    ) as BatchRow | undefined;
    return row ? toBatchRecord(row) : null;
  }

  async getBatchVersion(workspaceId: string, batchId: string): Promise<number | null> {
    const row = this.#sql('SELECT version FROM batches WHERE id = ? AND workspace_id = ?').get(batchId, workspaceId) as
      | { version: number }
      | undefined;
    return row ? row.version : null;
  }

  async listBatches(workspaceId: string, query: { limit: number; cursor?: HistoryCursor }): Promise<BatchRecord[]> {
    const { limit, cursor } = query;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('listBatches: `limit` must be a whole number ≥ 0.');
    if (limit === 0) return [];
    const order = 'ORDER BY b.created_at DESC, b.id DESC LIMIT @limit';
    const rows = cursor
      ? this.#sql(
          `SELECT ${BATCH_SELECT} FROM batches b
           WHERE b.workspace_id = @ws AND (b.created_at, b.id) < (@at, @id) ${order}`,
        ).all({ ws: workspaceId, at: cursor.created_at.getTime(), id: cursor.id, limit })
      : this.#sql(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.workspace_id = @ws ${order}`).all({
          ws: workspaceId,
          limit,
        });
    return (rows as BatchRow[]).map(toBatchRecord);
  }

  async cancelBatch(
    workspaceId: string,
    batchId: string,
    error: FileError,
  ): Promise<{ outcome: 'cancelled' | 'not_found' | 'not_open'; batch_finished: boolean }> {
    return this.#control.cancel(workspaceId, batchId, error);
  }

  async pauseBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'paused' | 'not_found' | 'not_open' }> {
    return this.#control.pause(workspaceId, batchId);
  }

  async resumeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'resumed' | 'not_found' | 'not_open' }> {
    return this.#control.resume(workspaceId, batchId);
  }

  async appendFiles(
    workspaceId: string,
    batchId: string,
    files: NewFile[],
    options: { maxFiles: number; holdMs?: number | null },
  ): Promise<AppendOutcome> {
    const holdMs = options.holdMs == null ? null : duration('holdMs', options.holdMs);
    return this.#control.append(workspaceId, batchId, files, options.maxFiles, holdMs);
  }

  async closeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'closed' | 'not_found' | 'not_open'; batch_finished: boolean }> {
    return this.#control.close(workspaceId, batchId);
  }

  async releaseExpiredHolds(): Promise<FileTransition[]> {
    return this.#control.releaseExpiredHolds();
  }

  async retryFailedFiles(workspaceId: string, batchId: string): Promise<RetryOutcome> {
    return this.#control.retry(workspaceId, batchId);
  }

  async claimFile(input: { owner: string; leaseMs: number }): Promise<ClaimedFile | null> {
    const leaseMs = duration('leaseMs', input.leaseMs);
    return this.#write(() => {
      const now = this.#now();
      const next = this.#sql(PICK_NEXT).get(now) as { file_id: string } | undefined;
      if (!next) return null;
      const token = randomUUID();
      const row = this.#sql(
        `UPDATE files SET status = 'processing', attempts = attempts + 1, started_at = coalesce(started_at, @now),
           run_after = NULL, lease_owner = @owner, lease_token = @token, lease_expires_at = @now + @leaseMs
         WHERE id = @id RETURNING *`,
      ).get({ id: next.file_id, owner: input.owner, token, now, leaseMs }) as FileRow;
      this.#sql('UPDATE batches SET claim_key = claim_key + ? WHERE id = ?').run(CLAIM_STEP_MS, row.batch_id);
      this.#touch(row.batch_id, now);
      return { file: toFileRecord(row), batch: this.#batchById(row.batch_id) as BatchRecord, token };
    });
  }

  async renewLease(fileId: string, token: string, leaseMs: number): Promise<boolean> {
    const ms = duration('leaseMs', leaseMs);
    // A lease is bookkeeping, not a visible change, so updated_at stays.
    const info = this.#sql(
      `UPDATE files SET lease_expires_at = @now + @ms
       WHERE id = @id AND lease_token = @token AND status = 'processing'`,
    ).run({ id: fileId, token, ms, now: this.#now() });
    return info.changes === 1;
  }

  async finishFile(fileId: string, token: string, outcome: FileOutcome): Promise<FileTransition | null> {
    if (outcome.status !== 'completed' && outcome.status !== 'failed') {
      throw new TypeError('finishFile: `outcome.status` must be "completed" or "failed".');
    }
    return this.#write(() => {
      const now = this.#now();
      // The token in the filter is what keeps a worker that lost its lease from writing.
      const row = this.#sql(
        `UPDATE files SET status = @status, result = @result, error = @error, completed_at = @now, ${CLEAR_LEASE}
         WHERE id = @id AND lease_token = @token AND status = 'processing'
         RETURNING batch_id, workspace_id`,
      ).get({
        id: fileId,
        token,
        now,
        status: outcome.status,
        result: outcome.status === 'completed' ? toJson(outcome.result) : null,
        error: outcome.status === 'failed' ? toJson(outcome.error) : null,
      }) as Pick<FileRow, 'batch_id' | 'workspace_id'> | undefined;
      if (!row) return null;
      return { batch_id: row.batch_id, workspace_id: row.workspace_id, batch_finished: this.#settle(row.batch_id, now) };
    });
  }

  async releaseFile(
    fileId: string,
    token: string,
    input: { delayMs: number; error: FileError | null; refundAttempt: boolean },
  ): Promise<FileTransition | null> {
    const delayMs = duration('delayMs', input.delayMs);
    return this.#write(() => {
      const hold = this.#sql(
        `SELECT f.id, f.batch_id, f.workspace_id, f.attempts, b.cancelled_at, b.cancel_error
         FROM files f JOIN batches b ON b.id = f.batch_id
         WHERE f.id = ? AND f.lease_token = ? AND f.status = 'processing'`,
      ).get(fileId, token) as FileHold | undefined;
      if (!hold) return null;
      const now = this.#now();
      const attempts = input.refundAttempt ? Math.max(0, hold.attempts - 1) : hold.attempts;
      if (hold.cancelled_at !== null) {
        this.#cancelHeld(hold, attempts, now);
      } else {
        // A null error means "nothing new went wrong": the last error seen stays.
        this.#sql(
          `UPDATE files SET status = 'pending', run_after = @runAfter, error = coalesce(@error, error),
             attempts = @attempts, ${CLEAR_LEASE}
           WHERE id = @id`,
        ).run({ id: fileId, runAfter: now + delayMs, error: toJson(input.error), attempts });
      }
      return { batch_id: hold.batch_id, workspace_id: hold.workspace_id, batch_finished: this.#settle(hold.batch_id, now) };
    });
  }

  async reclaimExpired(input: { maxAttempts: number; error: FileError }): Promise<FileTransition[]> {
    return this.#write(() => {
      const now = this.#now();
      const expired = this.#sql(
        `SELECT f.id, f.batch_id, f.workspace_id, f.attempts, b.cancelled_at, b.cancel_error
         FROM files f JOIN batches b ON b.id = f.batch_id
         WHERE f.status = 'processing' AND f.lease_expires_at <= ?
         ORDER BY f.lease_expires_at, f.id`,
      ).all(now) as FileHold[];
      return expired.map((hold): FileTransition => {
        let status: FileStatus;
        if (hold.attempts >= input.maxAttempts) {
          this.#sql(
            `UPDATE files SET status = 'failed', error = @error, result = NULL, completed_at = @now, ${CLEAR_LEASE}
             WHERE id = @id`,
          ).run({ id: hold.id, error: toJson(input.error), now });
          status = 'failed';
        } else if (hold.cancelled_at !== null) {
          this.#cancelHeld(hold, hold.attempts, now);
          status = 'cancelled';
        } else {
          this.#sql(`UPDATE files SET status = 'pending', run_after = NULL, ${CLEAR_LEASE} WHERE id = ?`).run(hold.id);
          status = 'pending';
        }
        return {
          batch_id: hold.batch_id,
          workspace_id: hold.workspace_id,
          batch_finished: this.#settle(hold.batch_id, now),
          file: { id: hold.id, status, attempts: hold.attempts },
        };
      });
    });
  }

  async getAnalytics(workspaceId: string, range: { since: Date; until: Date }): Promise<WorkspaceAnalytics> {
    return this.#analytics.get(workspaceId, range);
  }

  async enqueueWebhook(event: NewWebhookEvent): Promise<void> {
    this.#outbox.enqueue(event);
  }

  async claimWebhook(input: { leaseMs: number }): Promise<WebhookDelivery | null> {
    return this.#outbox.claim(input);
  }

  async settleWebhook(id: string, token: string, outcome: WebhookOutcome): Promise<boolean> {
    return this.#outbox.settle(id, token, outcome);
  }

  async listPurgeableBlobs(input: { olderThanMs: number; limit: number }): Promise<{ file_id: string; blob_key: string }[]> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    if (!Number.isInteger(input.limit) || input.limit < 0) {
      throw new RangeError('listPurgeableBlobs: `limit` must be a whole number ≥ 0.');
    }
    return this.#sql(
      `SELECT f.id AS file_id, f.blob_key FROM batches b
       JOIN files f ON f.batch_id = b.id AND f.blob_key IS NOT NULL AND f.blob_purged_at IS NULL
       WHERE b.finished_at IS NOT NULL AND b.finished_at <= @cutoff
       ORDER BY b.finished_at, f.batch_id, f.position, f.id LIMIT @limit`,
    ).all({ cutoff: this.#now() - olderThanMs, limit: input.limit }) as { file_id: string; blob_key: string }[];
  }

  async markBlobsPurged(fileIds: string[]): Promise<void> {
    if (fileIds.length === 0) return;
    this.#write(() => {
      const now = this.#now();
      const rows = this.#sql(
        `UPDATE files SET blob_purged_at = @now
         WHERE id IN (SELECT value FROM json_each(@ids)) AND blob_key IS NOT NULL AND blob_purged_at IS NULL
         RETURNING batch_id`,
      ).all({ now, ids: JSON.stringify(fileIds) }) as { batch_id: string }[];
      for (const batchId of new Set(rows.map((r) => r.batch_id))) this.#touch(batchId, now);
    });
  }

  async deleteFinishedBatches(input: { olderThanMs: number }): Promise<number> {
    const olderThanMs = duration('olderThanMs', input.olderThanMs);
    // File rows go with their batch through ON DELETE CASCADE.
    const info = this.#sql(
      `DELETE FROM batches
       WHERE finished_at IS NOT NULL AND finished_at <= @cutoff
         AND NOT EXISTS (SELECT 1 FROM files f
           WHERE f.batch_id = batches.id AND f.blob_key IS NOT NULL AND f.blob_purged_at IS NULL)`,
    ).run({ cutoff: this.#now() - olderThanMs });
    return info.changes;
  }

  /** Ends a held file of a cancelled batch as cancelled: it must never be claimed again. */
  #cancelHeld(hold: FileHold, attempts: number, now: number): void {
    this.#sql(
      `UPDATE files SET status = 'cancelled', error = @error, completed_at = @now, attempts = @attempts, ${CLEAR_LEASE}
       WHERE id = @id`,
    ).run({ id: hold.id, error: hold.cancel_error, now, attempts });
  }

  #sql(source: string) {
    return this.#db.sql(source);
  }

  #now(): number {
    return this.#db.now();
  }

  #write<T>(fn: () => T): T {
    return this.#db.write(fn);
  }

  #read<T>(fn: () => T): T {
    return this.#db.read(fn);
  }

  #settle(batchId: string, now: number): boolean {
    return this.#db.settle(batchId, now);
  }

  #touch(batchId: string, now: number): void {
    this.#db.touch(batchId, now);
  }

  #batchById(batchId: string): BatchRecord | null {
    return this.#db.batchById(batchId);
  }
}
