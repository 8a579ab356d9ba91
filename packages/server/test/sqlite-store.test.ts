import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { NewBatch } from '../src/store/records.js';
import { WEBHOOK_CHANNEL } from '../src/store/outbox.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { runStoreConformanceSuite } from '../src/testing/index.js';
import { newBatch, newFiles } from '../src/testing/store-fixtures.js';

const run = promisify(execFile);
const root = await mkdtemp(join(tmpdir(), 'sqlite-store-'));
after(() => rm(root, { recursive: true, force: true }));

/** A database path in a folder that does not exist yet: init() must create it. */
function freshPath(): string {
  return join(root, randomUUID(), 'nested', 'batches.sqlite');
}

runStoreConformanceSuite('SqliteStore', async () => {
  const path = freshPath();
  return {
    open: ({ now }) => new SqliteStore(now ? { path, now } : { path }),
    cleanup: () => rm(dirname(dirname(path)), { recursive: true, force: true }),
  };
});

function batch(overrides: Partial<NewBatch> = {}): NewBatch {
  return newBatch({ workspace_id: 'ws-sqlite', ...overrides });
}

async function opened(path: string): Promise<SqliteStore> {
  const store = new SqliteStore({ path });
  await store.init();
  return store;
}

void describe('SqliteStore on a shared file', () => {
  void it('processes sharing the file claim every file exactly once', async () => {
    const path = freshPath();
    const store = await opened(path);
    const created = newFiles(400);
    for (let i = 0; i < created.length; i += 50) {
      await store.records.createBatch(
        batch(),
        created.slice(i, i + 50).map((f, position) => ({ ...f, position })),
      );
    }
    await store.close();

    // Processes start claiming together, once all have started.
    const startAt = Date.now() + 1_500;
    const results = await Promise.all(Array.from({ length: 4 }, () => claimInProcess(path, startAt)));
    const won = results.flat();
    assert.equal(won.length, created.length, 'no file claimed twice, none left behind');
    assert.deepEqual(new Set(won), new Set(created.map((f) => f.id)));
  });

  void it('data survives closing and reopening the file', async () => {
    const path = freshPath();
    const first = await opened(path);
    const record = await first.records.createBatch(batch({ patient_id: 'P-9' }), newFiles(2));
    const held = await first.queue.claimFile({ owner: 'w', leaseMs: 60_000 });
    assert.ok(held);
    await first.queue.finishFile(held.file.id, held.token, { status: 'completed', result: { pages: 2 } });
    const before = await first.records.getBatch(record.workspace_id, record.id);
    await first.close();

    const second = await opened(path);
    try {
      assert.deepEqual(await second.records.getBatch(record.workspace_id, record.id), before);
      const next = await second.queue.claimFile({ owner: 'w', leaseMs: 60_000 });
      assert.equal(next?.file.position, 1, 'the queue picks up where it was');
    } finally {
      await second.close();
    }
  });

  void it('a database of the previous schema opens with every batch at version 0, and changes move it from there', async () => {
    const path = freshPath();
    const first = await opened(path);
    const record = await first.records.createBatch(batch(), newFiles(2));
    const before = await first.records.getBatch(record.workspace_id, record.id);
    await first.close();
    // What an earlier release left on disk: schema 5, no version column.
    const raw = new Database(path);
    toSchema6(raw);
    raw.exec('ALTER TABLE batches DROP COLUMN version');
    raw.pragma('user_version = 5');
    raw.close();

    const upgraded = await opened(path);
    try {
      assert.equal(await upgraded.records.getBatchVersion(record.workspace_id, record.id), 0);
      assert.deepEqual(await upgraded.records.getBatch(record.workspace_id, record.id), { ...before, batch: { ...before!.batch, version: 0 } });
      assert.ok(await upgraded.queue.claimFile({ owner: 'w', leaseMs: 60_000 }));
      assert.equal(await upgraded.records.getBatchVersion(record.workspace_id, record.id), 1);
    } finally {
      await upgraded.close();
    }
    const reopened = new Database(path, { readonly: true });
    try {
      assert.equal(reopened.pragma('user_version', { simple: true }), 11);
    } finally {
      reopened.close();
    }
  });

  void it('a database of schema 7 opens with its queue taking turns and its old batches purged with their bytes', async () => {
    const path = freshPath();
    const first = await opened(path);
    const old = await first.records.createBatch(batch({ patient_id: 'P-7', workspace_id: 'clinic-a' }), newFiles(1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await first.records.createBatch(batch({ workspace_id: 'clinic-a' }), newFiles(2));
    await first.close();
    const raw = new Database(path);
    toSchema7(raw);
    raw.close();

    const upgraded = await opened(path);
    try {
      const held = await upgraded.queue.claimFile({ owner: 'w', leaseMs: 60_000 });
      assert.equal(held?.batch.id, old.id);
      await upgraded.queue.finishFile(held!.file.id, held!.token, { status: 'completed', result: { pages: 1, text: 'words' } });
      await upgraded.records.createBatch(batch({ workspace_id: 'clinic-b' }), newFiles(1));
      assert.equal((await upgraded.queue.claimFile({ owner: 'w', leaseMs: 60_000 }))?.batch.workspace_id, 'clinic-b', 'clinic-b takes its turn');
      await upgraded.retention.markBlobsPurged([held!.file.id]);
      assert.equal(await upgraded.retention.purgeContent({ olderThanMs: 0, limit: 10 }), 1);
      const purged = await upgraded.records.getBatch('clinic-a', old.id);
      assert.equal(purged?.batch.patient_id, null);
      assert.deepEqual(purged?.files[0]?.result, { pages: 1 });
    } finally {
      await upgraded.close();
    }
  });

  void it('a database of schema 6 keeps its pending webhook events, now in the webhook channel of the outbox', async () => {
    const path = freshPath();
    const first = await opened(path);
    const event = { id: randomUUID(), channel: WEBHOOK_CHANNEL, type: 'batch.completed', body: '{"id":"…"}' };
    assert.equal(await first.outbox.enqueue(event), true);
    await first.close();
    // What the previous release left on disk: an outbox of webhook events only.
    const raw = new Database(path);
    toSchema6(raw);
    raw.close();

    const upgraded = await opened(path);
    try {
      const held = await upgraded.outbox.claim({ channel: WEBHOOK_CHANNEL, leaseMs: 60_000 });
      assert.deepEqual(held && { id: held.id, channel: held.channel, type: held.type, body: held.body, attempts: held.attempts }, { ...event, attempts: 1 });
      assert.equal(await upgraded.outbox.enqueue({ ...event, channel: 'email' }), false, 'its id is still taken');
    } finally {
      await upgraded.close();
    }
  });

  void it('a database of schema 10 opens with no file held for review, and its files can be held and decided', async () => {
    const path = freshPath();
    const first = await opened(path);
    const record = await first.records.createBatch(batch({ workspace_id: 'clinic-a' }), newFiles(1));
    await first.close();
    const raw = new Database(path);
    toSchema10(raw);
    raw.close();

    const upgraded = await opened(path);
    try {
      const before = await upgraded.records.getBatch('clinic-a', record.id);
      assert.equal(before?.batch.needs_review, 0);
      assert.equal(before?.files[0]?.review, null);
      const held = await upgraded.queue.claimFile({ owner: 'w', leaseMs: 60_000 });
      const reason = { code: 'PATIENT_MISMATCH', message: 'This document names another patient: NHS number differs.' };
      await upgraded.queue.finishFile(held!.file.id, held!.token, { status: 'completed', result: {}, review: reason });
      assert.equal((await upgraded.records.getBatchSummary('clinic-a', record.id))?.needs_review, 1);
      const decided = await upgraded.control.reviewFile('clinic-a', record.id, held!.file.id, { decision: 'confirmed', decided_by: 'user-1' });
      assert.equal(decided.outcome, 'reviewed');
      assert.equal((await upgraded.records.getBatchSummary('clinic-a', record.id))?.needs_review, 0);
    } finally {
      await upgraded.close();
    }
  });

  void it('a store that was not initialised says so', async () => {
    const store = new SqliteStore({ path: freshPath() });
    await assert.rejects(store.records.getBatch('ws', 'b'), /init\(\)/);
    assert.throws(() => new SqliteStore({ path: '' }), /path/);
    assert.throws(() => new SqliteStore({ path: freshPath(), busyTimeoutMs: -1 }), /busyTimeoutMs/);
    assert.throws(() => new SqliteStore({ path: freshPath(), busyTimeoutMs: 1.5 }), /busyTimeoutMs/);
  });

  void it('a write waits busyTimeoutMs for a lock another process holds, then fails as busy', async () => {
    const path = freshPath();
    const store = new SqliteStore({ path, busyTimeoutMs: 50 });
    await store.init();
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      await assert.rejects(store.records.createBatch(batch(), newFiles(1)), { code: 'SQLITE_BUSY' });
      other.exec('ROLLBACK');
      const made = await store.records.createBatch(batch(), newFiles(1));
      assert.equal(made.total_files, 1);
    } finally {
      other.close();
      await store.close();
    }
  });
});

/** Turns a current database back into what schema 6 was: an outbox table of webhook events, without channels. */
/** Takes a database of the current schema back to schema 10 (before files were held for review). */
function toSchema10(raw: Database.Database): void {
  raw.exec(`
    DROP INDEX files_awaiting_review;
    ALTER TABLE files DROP COLUMN review_reason;
    ALTER TABLE files DROP COLUMN review_decision;
    ALTER TABLE files DROP COLUMN reviewed_by;
    ALTER TABLE files DROP COLUMN reviewed_at;
  `);
  raw.pragma('user_version = 10');
}

/** Takes a database of the current schema back to schema 9 (before batches said how many files they expect). */
function toSchema9(raw: Database.Database): void {
  toSchema10(raw);
  raw.exec('ALTER TABLE batches DROP COLUMN expected_files');
  raw.pragma('user_version = 9');
}

/** Takes a database of the current schema back to schema 7 (before workspace turns and content purges). */
function toSchema7(raw: Database.Database): void {
  toSchema9(raw);
  raw.exec(`
    DROP INDEX batches_unpurged;
    ALTER TABLE batches DROP COLUMN content_purged_at;
    ALTER TABLE files DROP COLUMN content_purged_at;
    DROP TABLE workspace_turns;
    DROP INDEX files_processing;
    DROP INDEX batches_claimable;
    CREATE INDEX batches_open ON batches (claim_key, id) WHERE finished_at IS NULL AND cancelled_at IS NULL;
  `);
  raw.pragma('user_version = 7');
}

function toSchema6(raw: Database.Database): void {
  toSchema7(raw);
  raw.exec(`
    DROP INDEX outbox_due;
    ALTER TABLE outbox DROP COLUMN channel;
    ALTER TABLE outbox RENAME TO webhook_outbox;
    CREATE INDEX webhook_due ON webhook_outbox (next_attempt_at, created_at) WHERE status = 'pending';
  `);
  raw.pragma('user_version = 6');
}

const storeEntry = new URL('../src/stores/sqlite/index.ts', import.meta.url).href;

// Run as a separate Node process: the lock that makes claims atomic is SQLite's file lock.
const CLAIM_LOOP = `
  const [entry, path, startAt] = process.argv.slice(1);
  const { SqliteStore } = await import(entry);
  const store = new SqliteStore({ path });
  await store.init();
  await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now()));
  const ids = [];
  for (;;) {
    const claimed = await store.queue.claimFile({ owner: 'process-' + process.pid, leaseMs: 60000 });
    if (!claimed) break;
    ids.push(claimed.file.id);
  }
  await store.close();
  process.stdout.write(JSON.stringify(ids));
`;

/** Claims in a child process until the queue is empty; returns the file ids it got. */
async function claimInProcess(path: string, startAt: number): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', CLAIM_LOOP, storeEntry, path, String(startAt)], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  return JSON.parse(stdout) as string[];
}
