import type Database from 'better-sqlite3';
import type { BatchRecord, NewFile } from '../../store/records.js';
import { openDatabase } from './sqlite-schema.js';
import { BATCH_SELECT, toBatchRecord, toJson } from './sqlite-rows.js';
import type { BatchRow } from './sqlite-rows.js';

/**
 * One SQLite connection of a store, with its prepared statements, its clock and the
 * batch bookkeeping every write shares (touch, settle). Every role of the store
 * (records, control, queue, retention, outbox, analytics) works through it.
 */
export class SqliteConnection {
  readonly #path: string;
  readonly #clock: () => number;
  readonly #busyTimeoutMs: number;
  #db: Database.Database | null = null;
  #opening: Promise<void> | null = null;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(path: string, clock: () => number, busyTimeoutMs: number) {
    this.#path = path;
    this.#clock = clock;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  async open(): Promise<void> {
    // Shared, so that two overlapping init() calls open one connection, not two.
    this.#opening ??= openDatabase(this.#path, this.#busyTimeoutMs).then((db) => {
      this.#db = db;
    });
    try {
      await this.#opening;
    } catch (error) {
      this.#opening = null;
      throw error;
    }
  }

  close(): void {
    this.#opening = null;
    this.#statements.clear();
    this.#db?.close();
    this.#db = null;
  }

  /** The store's clock, in whole epoch milliseconds. */
  now(): number {
    return Math.trunc(this.#clock());
  }

  /**
   * A prepared statement, cached by its text.
   * @internal Kept out of the published types, which would otherwise need @types/better-sqlite3.
   */
  sql(source: string): Database.Statement {
    let statement = this.#statements.get(source);
    if (!statement) {
      statement = this.#connection().prepare(source);
      this.#statements.set(source, statement);
    }
    return statement;
  }

  // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
  // writes can fail with SQLITE_BUSY instead of waiting when another process writes.
  /** Runs `fn` in a write transaction. */
  write<T>(fn: () => T): T {
    return this.#connection().transaction(fn).immediate();
  }

  /** Runs `fn` in a read transaction (one consistent snapshot). */
  read<T>(fn: () => T): T {
    return this.#connection().transaction(fn).deferred();
  }

  /** Inserts files of a batch at `firstPosition` + their index (call inside a write). */
  insertFiles(batch: { id: string; workspace_id: string }, files: readonly NewFile[], now: number, firstPosition: number | null): void {
    const insert = this.sql(
      `INSERT INTO files (id, batch_id, workspace_id, position, filename, size, declared_type,
         detected_type, blob_key, status, error, created_at, completed_at)
       VALUES (@id, @batch_id, @workspace_id, @position, @filename, @size, @declared_type,
         @detected_type, @blob_key, @status, @error, @now, @completed_at)`,
    );
    for (const [index, file] of files.entries()) {
      insert.run({
        id: file.id,
        batch_id: batch.id,
        workspace_id: batch.workspace_id,
        position: firstPosition === null ? file.position : firstPosition + index,
        filename: file.filename,
        size: file.size,
        declared_type: file.declared_type ?? null,
        detected_type: file.detected_type ?? null,
        blob_key: file.blob_key ?? null,
        status: file.status,
        error: toJson(file.error ?? null),
        now,
        completed_at: file.status === 'failed' ? now : null,
      });
    }
  }

  /**
   * Records a change to the batch: its version grows by one, and its updated_at moves
   * (never backwards, should clocks of two processes differ). Every write that changes
   * the batch or one of its files calls it in the same transaction.
   */
  touch(batchId: string, now: number): void {
    this.sql('UPDATE batches SET updated_at = max(updated_at, ?), version = version + 1 WHERE id = ?').run(now, batchId);
  }

  /**
   * Touches the batch and finishes it when no file is left to run and it is not held
   * open for appends; true when this call finished it.
   */
  settle(batchId: string, now: number): boolean {
    this.touch(batchId, now);
    const info = this.sql(
      `UPDATE batches SET finished_at = @now
       WHERE id = @id AND finished_at IS NULL AND held_until IS NULL
         AND NOT EXISTS (SELECT 1 FROM files WHERE batch_id = @id AND status IN ('pending', 'processing'))`,
    ).run({ id: batchId, now });
    return info.changes === 1;
  }

  /** A batch by id alone (callers have already checked the workspace). */
  batchById(batchId: string): BatchRecord | null {
    const row = this.sql(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.id = ?`).get(batchId) as BatchRow | undefined;
    return row ? toBatchRecord(row) : null;
  }

  /** Whether a workspace's batch exists and is still open (neither finished nor cancelled). */
  openState(workspaceId: string, batchId: string): 'open' | 'not_found' | 'not_open' {
    const batch = this.sql('SELECT finished_at, cancelled_at FROM batches WHERE id = ? AND workspace_id = ?').get(batchId, workspaceId) as
      Pick<BatchRow, 'finished_at' | 'cancelled_at'> | undefined;
    if (!batch) return 'not_found';
    return batch.finished_at !== null || batch.cancelled_at !== null ? 'not_open' : 'open';
  }

  #connection(): Database.Database {
    if (!this.#db) throw new Error('SqliteStore: call init() before using the store (or it was closed).');
    return this.#db;
  }
}

/** Checks a duration argument; a negative or non-finite one is a caller's bug. */
export function duration(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`SqliteStore: \`${name}\` must be a finite number of milliseconds ≥ 0.`);
  }
  return Math.trunc(value);
}
