import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { requirePeer } from '../../shared/peer-dependency.js';

/** What needs the `better-sqlite3` package, as its missing-package error names it. */
export const SQLITE_FEATURE = 'The SQLite store (@batch-uploader/server/sqlite)';

/**
 * Schema migrations, in order: migration `n` brings `user_version` from `n` to `n + 1`.
 * Append new migrations; never edit one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS batches (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL,
    priority      TEXT NOT NULL CHECK (priority IN ('high', 'normal', 'low')),
    patient_id    TEXT,
    template_id   TEXT,
    encounter_id  TEXT,
    total_files   INTEGER NOT NULL,
    claim_key     INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    cancelled_at  INTEGER,
    cancel_error  TEXT,
    finished_at   INTEGER
  ) STRICT;

  CREATE INDEX IF NOT EXISTS batches_history ON batches (workspace_id, created_at DESC, id DESC);
  CREATE INDEX IF NOT EXISTS batches_open ON batches (claim_key, id)
    WHERE finished_at IS NULL AND cancelled_at IS NULL;
  CREATE INDEX IF NOT EXISTS batches_finished ON batches (finished_at) WHERE finished_at IS NOT NULL;

  CREATE TABLE IF NOT EXISTS files (
    id                TEXT PRIMARY KEY,
    batch_id          TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    workspace_id      TEXT NOT NULL,
    position          INTEGER NOT NULL,
    filename          TEXT NOT NULL,
    size              INTEGER NOT NULL,
    declared_type     TEXT,
    detected_type     TEXT,
    blob_key          TEXT,
    status            TEXT NOT NULL
      CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    error             TEXT,
    result            TEXT,
    created_at        INTEGER NOT NULL,
    started_at        INTEGER,
    completed_at      INTEGER,
    run_after         INTEGER,
    lease_owner       TEXT,
    lease_token       TEXT,
    lease_expires_at  INTEGER,
    blob_purged_at    INTEGER
  ) STRICT;

  CREATE INDEX IF NOT EXISTS files_batch_status ON files (batch_id, status, position);
  CREATE INDEX IF NOT EXISTS files_leases ON files (lease_expires_at) WHERE status = 'processing';
  CREATE INDEX IF NOT EXISTS files_unpurged ON files (batch_id)
    WHERE blob_key IS NOT NULL AND blob_purged_at IS NULL;
  `,
  // 1 → 2: pausing a batch.
  `
  ALTER TABLE batches ADD COLUMN paused_at INTEGER;
  `,
  // 2 → 3: the webhook outbox.
  `
  CREATE TABLE IF NOT EXISTS webhook_outbox (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    lease_token      TEXT,
    last_error       TEXT
  ) STRICT;

  CREATE INDEX IF NOT EXISTS webhook_due ON webhook_outbox (next_attempt_at, created_at) WHERE status = 'pending';
  `,
  // 3 → 4: a workspace's files by creation time, for analytics.
  `
  CREATE INDEX IF NOT EXISTS files_workspace_created ON files (workspace_id, created_at);
  `,
  // 4 → 5: batches held open for appends.
  `
  ALTER TABLE batches ADD COLUMN held_until INTEGER;
  CREATE INDEX IF NOT EXISTS batches_held ON batches (held_until) WHERE held_until IS NOT NULL;
  `,
  // 5 → 6: a change counter per batch (its version), so a status answer can be reused until it moves.
  `
  ALTER TABLE batches ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
  `,
  // 6 → 7: the outbox takes messages of several channels (webhooks, and later kinds of
  // delivery), each claimed by its own sender; what it held so far were webhook events.
  `
  ALTER TABLE webhook_outbox RENAME TO outbox;
  ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'webhook';
  DROP INDEX IF EXISTS webhook_due;
  CREATE INDEX IF NOT EXISTS outbox_due ON outbox (channel, next_attempt_at, created_at) WHERE status = 'pending';
  `,
  // 7 → 8: workspaces take turns in the queue: each one's place in the rotation (the
  // number of the last claim it got), its files processing now, and its claimable batches
  // in claim order, each read per claim (which replaces the claim order of all batches).
  `
  CREATE TABLE IF NOT EXISTS workspace_turns (
    workspace_id  TEXT PRIMARY KEY,
    turn          INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS workspace_turns_last ON workspace_turns (turn);
  CREATE INDEX IF NOT EXISTS files_processing ON files (workspace_id) WHERE status = 'processing';
  CREATE INDEX IF NOT EXISTS batches_claimable ON batches (workspace_id, claim_key, id)
    WHERE finished_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL;
  DROP INDEX IF EXISTS batches_open;
  `,
  // 8 → 9: retention removes what records hold of documents and patients, with the bytes.
  `
  ALTER TABLE batches ADD COLUMN content_purged_at INTEGER;
  ALTER TABLE files ADD COLUMN content_purged_at INTEGER;
  CREATE INDEX IF NOT EXISTS batches_unpurged ON batches (finished_at)
    WHERE finished_at IS NOT NULL AND content_purged_at IS NULL;
  `,
  // 9 → 10: how many files an upload in several requests means to send, so an interrupted
  // one can be told from a finished one.
  `
  ALTER TABLE batches ADD COLUMN expected_files INTEGER;
  `,
  // 10 → 11: completed files held for a person's decision (a document naming another
  // patient): why, what was decided, by whom and when.
  `
  ALTER TABLE files ADD COLUMN review_reason TEXT;
  ALTER TABLE files ADD COLUMN review_decision TEXT CHECK (review_decision IN ('confirmed', 'rejected'));
  ALTER TABLE files ADD COLUMN reviewed_by TEXT;
  ALTER TABLE files ADD COLUMN reviewed_at INTEGER;
  CREATE INDEX IF NOT EXISTS files_awaiting_review ON files (batch_id)
    WHERE review_reason IS NOT NULL AND review_decision IS NULL;
  `,
];

/**
 * Opens (creating its folder and file if needed) a database with the current schema; a
 * write waits up to `busyTimeoutMs` for a lock another process holds.
 */
export async function openDatabase(path: string, busyTimeoutMs: number): Promise<Database.Database> {
  // Loaded here, not on import: a host may import this module and choose another store.
  const Driver = requirePeer<typeof Database>('better-sqlite3', SQLITE_FEATURE);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Driver(path);
  try {
    migrate(db, busyTimeoutMs);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Sets connection pragmas and brings the schema up to date; safe to run from several processes at once. */
function migrate(db: Database.Database, busyTimeoutMs: number): void {
  // busy_timeout first: switching to WAL needs a lock another process may hold.
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');

  // IMMEDIATE so that two processes opening a fresh file do not both run a migration.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`SQLite store: the database schema (version ${version}) is newer than this server supports (${MIGRATIONS.length}); upgrade the server.`);
    }
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
