import { randomUUID } from 'node:crypto';
import type { FileError, FileStatus } from '@batch-uploader/protocol';
import type { FileQueue } from '../../store/file-queue.js';
import { CLAIM_STEP_MS } from '../../store/records.js';
import type { BatchRecord, ClaimedFile, FileOutcome, FileTransition } from '../../store/records.js';
import { duration, type SqliteConnection } from './sqlite-connection.js';
import { toFileRecord, toJson } from './sqlite-rows.js';
import type { FileRow } from './sqlite-rows.js';

type FileHold = Pick<FileRow, 'batch_id' | 'workspace_id' | 'attempts'> & {
  id: string;
  cancelled_at: number | null;
  cancel_error: string | null;
};

// Workspaces with claimable batches, with their files processing now and their last
// turn. The workspaces are read by skipping through the batches_claimable index, one
// step per workspace rather than one per batch.
const WAITING = `
  WITH RECURSIVE w(workspace_id) AS (
    SELECT min(workspace_id) FROM batches WHERE finished_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL
    UNION ALL
    SELECT (SELECT min(b.workspace_id) FROM batches b
      WHERE b.finished_at IS NULL AND b.cancelled_at IS NULL AND b.paused_at IS NULL AND b.workspace_id > w.workspace_id)
    FROM w WHERE w.workspace_id IS NOT NULL
  )
  SELECT w.workspace_id,
    (SELECT count(*) FROM files p WHERE p.workspace_id = w.workspace_id AND p.status = 'processing') AS processing,
    coalesce(t.turn, 0) AS turn
  FROM w LEFT JOIN workspace_turns t ON t.workspace_id = w.workspace_id
  WHERE w.workspace_id IS NOT NULL`;

// A workspace's first pending, ready file of the batch first in its claim order: the
// batches are walked in that order (batches_claimable) up to the first that has one.
const PICK_IN_WORKSPACE = `
  SELECT file_id, claim_key, id FROM (
    SELECT b.claim_key, b.id,
      (SELECT f.id FROM files f
        WHERE f.batch_id = b.id AND f.status = 'pending' AND (f.run_after IS NULL OR f.run_after <= @now)
        ORDER BY f.position, f.id LIMIT 1) AS file_id
    FROM batches b
    WHERE b.workspace_id = @workspace AND b.finished_at IS NULL AND b.cancelled_at IS NULL AND b.paused_at IS NULL
  ) WHERE file_id IS NOT NULL
  ORDER BY claim_key, id LIMIT 1`;

// The workspace's claim is now the latest: it goes to the back of the rotation.
const TAKE_TURN = `
  INSERT INTO workspace_turns (workspace_id, turn) VALUES (?, (SELECT coalesce(max(turn), 0) + 1 FROM workspace_turns))
  ON CONFLICT (workspace_id) DO UPDATE SET turn = excluded.turn`;

/** A workspace's next file, with its batch's place in the claim order. */
interface Head {
  file_id: string;
  claim_key: number;
  id: string;
}

const CLEAR_LEASE = 'lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL';

/**
 * The processing queue of the SQLite store. A claim is one IMMEDIATE transaction (the
 * file lock makes it atomic across processes, and the workspaces' turns and processing
 * counts it orders by are those every process sees); every later write of a held file
 * carries its lease token in the filter.
 */
export class SqliteFileQueue implements FileQueue {
  constructor(private readonly db: SqliteConnection) {}

  async claimFile(input: { owner: string; leaseMs: number }): Promise<ClaimedFile | null> {
    const leaseMs = duration('leaseMs', input.leaseMs);
    const { db } = this;
    return db.write(() => {
      const now = db.now();
      const next = this.#pickNext(now);
      if (!next) return null;
      const token = randomUUID();
      const row = db
        .sql(
          `UPDATE files SET status = 'processing', attempts = attempts + 1, started_at = coalesce(started_at, @now),
             run_after = NULL, lease_owner = @owner, lease_token = @token, lease_expires_at = @now + @leaseMs
           WHERE id = @id RETURNING *`,
        )
        .get({ id: next.file_id, owner: input.owner, token, now, leaseMs }) as FileRow;
      db.sql('UPDATE batches SET claim_key = claim_key + ? WHERE id = ?').run(CLAIM_STEP_MS, row.batch_id);
      db.sql(TAKE_TURN).run(row.workspace_id);
      db.touch(row.batch_id, now);
      return { file: toFileRecord(row), batch: db.batchById(row.batch_id) as BatchRecord, token };
    });
  }

  /**
   * The next file by turns (see FileQueue.claimFile): the waiting workspaces in turn
   * order, the next file of the first that has one; between tied workspaces, the file
   * first in claim order.
   */
  #pickNext(now: number): { file_id: string } | undefined {
    const waiting = this.db.sql(WAITING).all() as { workspace_id: string; processing: number; turn: number }[];
    waiting.sort((a, b) => a.processing - b.processing || a.turn - b.turn);
    let best: Head | undefined;
    for (const [index, workspace] of waiting.entries()) {
      const previous = waiting[index - 1];
      const tied = previous !== undefined && previous.processing === workspace.processing && previous.turn === workspace.turn;
      if (best && !tied) break;
      const head = this.db.sql(PICK_IN_WORKSPACE).get({ now, workspace: workspace.workspace_id }) as Head | undefined;
      if (head && (!best || head.claim_key < best.claim_key || (head.claim_key === best.claim_key && head.id < best.id))) best = head;
    }
    return best;
  }

  async renewLease(fileId: string, token: string, leaseMs: number): Promise<boolean> {
    const ms = duration('leaseMs', leaseMs);
    // A lease is bookkeeping, not a visible change, so updated_at stays.
    const info = this.db
      .sql(`UPDATE files SET lease_expires_at = @now + @ms WHERE id = @id AND lease_token = @token AND status = 'processing'`)
      .run({ id: fileId, token, ms, now: this.db.now() });
    return info.changes === 1;
  }

  async finishFile(fileId: string, token: string, outcome: FileOutcome): Promise<FileTransition | null> {
    if (outcome.status !== 'completed' && outcome.status !== 'failed') {
      throw new TypeError('finishFile: `outcome.status` must be "completed" or "failed".');
    }
    const { db } = this;
    return db.write(() => {
      const now = db.now();
      // The token in the filter is what keeps a worker that lost its lease from writing.
      const row = db
        .sql(
          `UPDATE files SET status = @status, result = @result, error = @error, review_reason = @review, review_decision = NULL,
             reviewed_by = NULL, reviewed_at = NULL, completed_at = @now, ${CLEAR_LEASE}
           WHERE id = @id AND lease_token = @token AND status = 'processing'
           RETURNING batch_id, workspace_id`,
        )
        .get({
          id: fileId,
          token,
          now,
          status: outcome.status,
          result: outcome.status === 'completed' ? toJson(outcome.result) : null,
          error: outcome.status === 'failed' ? toJson(outcome.error) : null,
          review: outcome.status === 'completed' ? toJson(outcome.review ?? null) : null,
        }) as Pick<FileRow, 'batch_id' | 'workspace_id'> | undefined;
      if (!row) return null;
      return { batch_id: row.batch_id, workspace_id: row.workspace_id, batch_finished: db.settle(row.batch_id, now) };
    });
  }

  async releaseFile(
    fileId: string,
    token: string,
    input: { delayMs: number; error: FileError | null; refundAttempt: boolean },
  ): Promise<FileTransition | null> {
    const delayMs = duration('delayMs', input.delayMs);
    const { db } = this;
    return db.write(() => {
      const hold = db
        .sql(
          `SELECT f.id, f.batch_id, f.workspace_id, f.attempts, b.cancelled_at, b.cancel_error
           FROM files f JOIN batches b ON b.id = f.batch_id
           WHERE f.id = ? AND f.lease_token = ? AND f.status = 'processing'`,
        )
        .get(fileId, token) as FileHold | undefined;
      if (!hold) return null;
      const now = db.now();
      const attempts = input.refundAttempt ? Math.max(0, hold.attempts - 1) : hold.attempts;
      if (hold.cancelled_at !== null) {
        this.#cancelHeld(hold, attempts, now);
      } else {
        // A null error means "nothing new went wrong": the last error seen stays.
        db.sql(
          `UPDATE files SET status = 'pending', run_after = @runAfter, error = coalesce(@error, error),
             attempts = @attempts, ${CLEAR_LEASE}
           WHERE id = @id`,
        ).run({ id: fileId, runAfter: now + delayMs, error: toJson(input.error), attempts });
      }
      return { batch_id: hold.batch_id, workspace_id: hold.workspace_id, batch_finished: db.settle(hold.batch_id, now) };
    });
  }

  async reclaimExpired(input: { maxAttempts: number; error: FileError }): Promise<FileTransition[]> {
    const { db } = this;
    return db.write(() => {
      const now = db.now();
      const expired = db
        .sql(
          `SELECT f.id, f.batch_id, f.workspace_id, f.attempts, b.cancelled_at, b.cancel_error
           FROM files f JOIN batches b ON b.id = f.batch_id
           WHERE f.status = 'processing' AND f.lease_expires_at <= ?
           ORDER BY f.lease_expires_at, f.id`,
        )
        .all(now) as FileHold[];
      return expired.map((hold): FileTransition => {
        let status: FileStatus;
        if (hold.attempts >= input.maxAttempts) {
          db.sql(
            `UPDATE files SET status = 'failed', error = @error, result = NULL, completed_at = @now, ${CLEAR_LEASE}
             WHERE id = @id`,
          ).run({ id: hold.id, error: toJson(input.error), now });
          status = 'failed';
        } else if (hold.cancelled_at !== null) {
          this.#cancelHeld(hold, hold.attempts, now);
          status = 'cancelled';
        } else {
          db.sql(`UPDATE files SET status = 'pending', run_after = NULL, ${CLEAR_LEASE} WHERE id = ?`).run(hold.id);
          status = 'pending';
        }
        return {
          batch_id: hold.batch_id,
          workspace_id: hold.workspace_id,
          batch_finished: db.settle(hold.batch_id, now),
          file: { id: hold.id, status, attempts: hold.attempts },
        };
      });
    });
  }

  /** Ends a held file of a cancelled batch as cancelled: it must never be claimed again. */
  #cancelHeld(hold: FileHold, attempts: number, now: number): void {
    this.db
      .sql(
        `UPDATE files SET status = 'cancelled', error = @error, completed_at = @now, attempts = @attempts, ${CLEAR_LEASE}
         WHERE id = @id`,
      )
      .run({ id: hold.id, error: hold.cancel_error, now, attempts });
  }
}
