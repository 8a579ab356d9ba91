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
import type { NewBatch, NewFile } from '../src/store/records.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { runStoreConformanceSuite } from '../src/testing/index.js';

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
    store: new SqliteStore({ path }),
    cleanup: () => rm(dirname(dirname(path)), { recursive: true, force: true }),
  };
});

function batch(overrides: Partial<NewBatch> = {}): NewBatch {
  return {
    id: randomUUID(),
    workspace_id: 'ws-sqlite',
    priority: 'normal',
    patient_id: null,
    template_id: null,
    encounter_id: null,
    ...overrides,
  };
}

function files(count: number): NewFile[] {
  return Array.from({ length: count }, (_, position) => ({
    id: randomUUID(),
    position,
    filename: `f${position}.pdf`,
    size: 10,
    declared_type: null,
    detected_type: 'application/pdf',
    blob_key: randomUUID().replaceAll('-', ''),
    status: 'pending' as const,
    error: null,
  }));
}

async function opened(path: string, now?: () => number): Promise<SqliteStore> {
  const store = new SqliteStore(now ? { path, now } : { path });
  await store.init();
  return store;
}

void describe('SqliteStore on a shared file', () => {
  void it('two SqliteStore instances on the same file never claim the same file', async () => {
    const path = freshPath();
    const [a, b] = [await opened(path), await opened(path)];
    try {
      const created = files(40);
      await a.createBatch(batch(), created);
      const claims = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).claimFile({ owner: `w${i}`, leaseMs: 60_000 })),
      );
      const won = claims.filter((c) => c !== null).map((c) => c.file.id);
      assert.equal(won.length, 40);
      assert.deepEqual(new Set(won), new Set(created.map((f) => f.id)));
    } finally {
      await a.close();
      await b.close();
    }
  });

  void it('processes sharing the file claim every file exactly once', async () => {
    const path = freshPath();
    const store = await opened(path);
    const created = files(400);
    for (let i = 0; i < created.length; i += 50) {
      await store.createBatch(batch(), created.slice(i, i + 50).map((f, position) => ({ ...f, position })));
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
    const record = await first.createBatch(batch({ patient_id: 'P-9' }), files(2));
    const held = await first.claimFile({ owner: 'w', leaseMs: 60_000 });
    assert.ok(held);
    await first.finishFile(held.file.id, held.token, { status: 'completed', result: { pages: 2 } });
    const before = await first.getBatch(record.workspace_id, record.id);
    await first.close();

    const second = await opened(path);
    try {
      assert.deepEqual(await second.getBatch(record.workspace_id, record.id), before);
      const next = await second.claimFile({ owner: 'w', leaseMs: 60_000 });
      assert.equal(next?.file.position, 1, 'the queue picks up where it was');
    } finally {
      await second.close();
    }
  });

  void it('a high priority batch does not starve an old low one forever', async () => {
    let now = Date.now();
    const store = await opened(freshPath(), () => now);
    try {
      const low = await store.createBatch(batch({ priority: 'low' }), files(1));
      now += 19 * 60_000;
      const earlyHigh = await store.createBatch(batch({ priority: 'high' }), files(1));
      now += 2 * 60_000;
      const lateHigh = await store.createBatch(batch({ priority: 'high' }), files(1));
      const order = [];
      for (let i = 0; i < 3; i++) order.push((await store.claimFile({ owner: 'w', leaseMs: 60_000 }))?.batch.id);
      assert.deepEqual(order, [earlyHigh.id, low.id, lateHigh.id], 'a low batch waits at most 20 minutes behind high ones');
    } finally {
      await store.close();
    }
  });

  void it('a database of the previous schema opens with every batch at version 0, and changes move it from there', async () => {
    const path = freshPath();
    const first = await opened(path);
    const record = await first.createBatch(batch(), files(2));
    const before = await first.getBatch(record.workspace_id, record.id);
    await first.close();
    // What the previous release left on disk: schema 5, no version column.
    const raw = new Database(path);
    raw.exec('ALTER TABLE batches DROP COLUMN version');
    raw.pragma('user_version = 5');
    raw.close();

    const upgraded = await opened(path);
    try {
      assert.equal(await upgraded.getBatchVersion(record.workspace_id, record.id), 0);
      assert.deepEqual(await upgraded.getBatch(record.workspace_id, record.id), { ...before, batch: { ...before!.batch, version: 0 } });
      assert.ok(await upgraded.claimFile({ owner: 'w', leaseMs: 60_000 }));
      assert.equal(await upgraded.getBatchVersion(record.workspace_id, record.id), 1);
    } finally {
      await upgraded.close();
    }
    const reopened = new Database(path, { readonly: true });
    try {
      assert.equal(reopened.pragma('user_version', { simple: true }), 6);
    } finally {
      reopened.close();
    }
  });

  void it('a store that was not initialised says so', async () => {
    const store = new SqliteStore({ path: freshPath() });
    await assert.rejects(store.getBatch('ws', 'b'), /init\(\)/);
    assert.throws(() => new SqliteStore({ path: '' }), /path/);
  });
});

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
    const claimed = await store.claimFile({ owner: 'process-' + process.pid, leaseMs: 60000 });
    if (!claimed) break;
    ids.push(claimed.file.id);
  }
  await store.close();
  process.stdout.write(JSON.stringify(ids));
`;

/** Claims in a child process until the queue is empty; returns the file ids it got. */
async function claimInProcess(path: string, startAt: number): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', CLAIM_LOOP, storeEntry, path, String(startAt)],
    { cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
  return JSON.parse(stdout) as string[];
}
