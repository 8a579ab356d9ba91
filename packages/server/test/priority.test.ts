import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BatchPriority } from '@batch-uploader/protocol';
import type { NewBatch } from '../src/store/records.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { newBatch, newFiles } from '../src/testing/store-fixtures.js';

const root = await mkdtemp(join(tmpdir(), 'priority-'));
after(() => rm(root, { recursive: true, force: true }));

const MINUTE = 60_000;

function batch(priority: BatchPriority): NewBatch {
  return newBatch({ workspace_id: 'ws-priority', priority });
}

/** One claim as the simulation saw it: when, of which batch, created when, at which priority. */
interface Claim {
  at: number;
  batchId: string;
  createdAt: number;
  priority: BatchPriority;
}

describe("priority under sustained load (the store's claim order, on a simulated clock)", () => {
  it('a low batch still advances under sustained high load: it waits only for high batches uploaded in the 20 minutes after it', async () => {
    const start = Date.UTC(2026, 0, 5, 8, 0, 0);
    let now = start;
    const store = new SqliteStore({ path: join(root, `${randomUUID()}.sqlite`), now: () => now });
    await store.init();
    try {
      const low = await store.records.createBatch(batch('low'), newFiles(10));
      const created = new Map<string, { at: number; priority: BatchPriority }>([[low.id, { at: now, priority: 'low' }]]);
      const claims: Claim[] = [];
      // Overload that never lets up: a high batch of 20 files every 30 s (40 files a
      // minute), while the workers finish one file every 2 s (30 a minute).
      for (let step = 0; step < 45 * 30; step++) {
        if (step % 15 === 0) {
          const high = await store.records.createBatch(batch('high'), newFiles(20));
          created.set(high.id, { at: now, priority: 'high' });
        }
        now += 2_000;
        const claimed = await store.queue.claimFile({ owner: 'w', leaseMs: MINUTE });
        assert.ok(claimed, 'the queue never runs dry');
        await store.queue.finishFile(claimed.file.id, claimed.token, { status: 'completed', result: null });
        const origin = created.get(claimed.batch.id)!;
        claims.push({ at: now, batchId: claimed.batch.id, createdAt: origin.at, priority: origin.priority });
      }

      const lowClaims = claims.filter((c) => c.batchId === low.id);
      assert.equal(lowClaims.length, 10, 'every file of the low batch ran while the high load went on');
      const firstLow = claims.indexOf(lowClaims[0]!);
      const lastLow = claims.indexOf(lowClaims.at(-1)!);
      assert.ok(lowClaims[0]!.at - start >= 20 * MINUTE, 'high batches uploaded soon after it went first');
      assert.ok(
        lowClaims.at(-1)!.at - start <= 30 * MINUTE,
        `the low batch finished within 30 simulated minutes (at ${(lowClaims.at(-1)!.at - start) / MINUTE} min)`,
      );
      assert.ok(
        claims.slice(0, firstLow).every((c) => c.createdAt - start <= 20 * MINUTE),
        'before the low batch started, only high batches uploaded within 20 minutes after it ran',
      );
      assert.ok(
        claims.slice(0, lastLow).every((c) => c.priority === 'low' || c.createdAt - start < 30 * MINUTE),
        'no high batch uploaded long after the low one overtook it',
      );
      assert.ok(claims.length - lastLow > 100 && claims.slice(lastLow + 1).every((c) => c.priority === 'high'), 'the high load went on afterwards');
    } finally {
      await store.close();
    }
  });

  it('a normal batch waits only for high batches uploaded in the 10 minutes after it, and then runs alongside them', async () => {
    const start = Date.UTC(2026, 0, 5, 8, 0, 0);
    let now = start;
    const store = new SqliteStore({ path: join(root, `${randomUUID()}.sqlite`), now: () => now });
    await store.init();
    try {
      const normal = await store.records.createBatch(batch('normal'), newFiles(5));
      const createdAt = new Map<string, number>([[normal.id, now]]);
      let firstNormal: number | null = null;
      for (let step = 0; step < 20 * 30 && firstNormal === null; step++) {
        if (step % 15 === 0) createdAt.set((await store.records.createBatch(batch('high'), newFiles(20))).id, now);
        now += 2_000;
        const claimed = (await store.queue.claimFile({ owner: 'w', leaseMs: MINUTE }))!;
        await store.queue.finishFile(claimed.file.id, claimed.token, { status: 'completed', result: null });
        if (claimed.batch.id === normal.id) firstNormal = now;
        else assert.ok(createdAt.get(claimed.batch.id)! - start <= 10 * MINUTE, 'only high batches of the next 10 minutes go first');
      }
      assert.ok(firstNormal !== null && firstNormal - start <= 15 * MINUTE, 'the normal batch started within 15 simulated minutes');
    } finally {
      await store.close();
    }
  });
});
