import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BatchRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { CANCELLED, CORRUPT, LONG_LEASE_MS, WORKER_LOST, mustClaim, newFiles, seed, summaryOf } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

/** The batch's version as `getBatchVersion` reads it, checked against what `getBatch` reads with the batch. */
async function versionOf(store: Store, batch: BatchRecord): Promise<number> {
  const version = await store.records.getBatchVersion(batch.workspace_id, batch.id);
  assert.ok(typeof version === 'number' && Number.isInteger(version), 'a stored batch has a whole-number version');
  assert.equal((await store.records.getBatch(batch.workspace_id, batch.id))?.batch.version, version, 'getBatch reads the same version');
  return version;
}

/**
 * Runs `change` and asserts that it moved the batch's version; returns what `change`
 * returned. `what` names the change in the failure message.
 */
async function assertMoves<T>(store: Store, batch: BatchRecord, what: string, change: () => Promise<T>): Promise<T> {
  const before = await versionOf(store, batch);
  const result = await change();
  const after = await versionOf(store, batch);
  assert.ok(after > before, `${what} moves the version (${before} → ${after})`);
  return result;
}

/** Registers the cases about a batch's version: the number a status answer can be reused by until it moves. */
export function versionCases(test: StoreTest): void {
  test("a batch's version is read alone, and only by its own workspace", async (store) => {
    const { batch } = await seed(store, 2);
    assert.equal(batch.version, await versionOf(store, batch));
    assert.equal((await summaryOf(store, batch)).version, batch.version);
    assert.equal(await store.records.getBatchVersion(`ws-${randomUUID()}`, batch.id), null, "another workspace's batch is no batch");
    assert.equal(await store.records.getBatchVersion(batch.workspace_id, randomUUID()), null);
  });

  test('the version moves as a file goes pending, processing, completed', async (store) => {
    const { batch } = await seed(store, 2);
    const held = await assertMoves(store, batch, 'a claim', () => mustClaim(store));
    await assertMoves(store, batch, 'completing a file', () => store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: { pages: 1 } }));
    assert.deepEqual((await summaryOf(store, batch)).counts, { pending: 1, processing: 0, completed: 1, failed: 0, cancelled: 0 });
  });

  test('a file reclaimed after its lease ran out moves the version, even when the counts end as they were', async (store) => {
    const { batch } = await seed(store, 1);
    // A lease of 0 ms has run out as soon as it is issued: no waiting needed.
    const lost = await mustClaim(store, 0);
    const whileLost = await summaryOf(store, batch);
    await assertMoves(store, batch, 'reclaiming the file', () => store.queue.reclaimExpired({ maxAttempts: 5, error: WORKER_LOST }));
    const again = await mustClaim(store);
    assert.equal(again.file.id, lost.file.id);
    const now = await summaryOf(store, batch);
    assert.deepEqual(now.counts, whileLost.counts, 'processing again, as before the reclaim');
    assert.ok(now.version > whileLost.version, `the claim after the reclaim is a new version (${whileLost.version} → ${now.version})`);
  });

  test('releasing, failing, retrying, pausing, resuming and cancelling each move the version', async (store) => {
    const { batch } = await seed(store, 3);
    const { workspace_id: ws, id } = batch;
    const released = await mustClaim(store);
    await assertMoves(store, batch, 'a release', () =>
      store.queue.releaseFile(released.file.id, released.token, { delayMs: 0, error: CORRUPT, refundAttempt: false }),
    );
    const failed = await mustClaim(store);
    await assertMoves(store, batch, 'failing a file', () => store.queue.finishFile(failed.file.id, failed.token, { status: 'failed', error: CORRUPT }));
    await assertMoves(store, batch, 'a retry', async () => assert.equal((await store.control.retryFailedFiles(ws, id)).outcome, 'retried'));
    await assertMoves(store, batch, 'a pause', () => store.control.pauseBatch(ws, id));
    await assertMoves(store, batch, 'a resume', () => store.control.resumeBatch(ws, id));
    await assertMoves(store, batch, 'a cancel', () => store.control.cancelBatch(ws, id, CANCELLED));
  });

  test('appending, closing and the end of a hold each move the version', async (store) => {
    const { batch } = await seed(store, 1, { hold_ms: LONG_LEASE_MS });
    const { workspace_id: ws, id } = batch;
    await assertMoves(store, batch, 'an append', () => store.control.appendFiles(ws, id, newFiles(1), { maxFiles: 50, holdMs: LONG_LEASE_MS }));
    await assertMoves(store, batch, 'closing', () => store.control.closeBatch(ws, id));

    // A hold of 0 ms has run out as soon as it is set.
    const { batch: lapsed } = await seed(store, 1, { hold_ms: 0 });
    await assertMoves(store, lapsed, 'the end of a hold', () => store.control.releaseExpiredHolds());
  });

  test("a batch finishing moves the version, and a finished batch's version then stays", async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store, LONG_LEASE_MS);
    await assertMoves(store, batch, 'the last file completing', () => store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null }));
    const finished = await summaryOf(store, batch);
    assert.ok(finished.finished_at);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
    assert.deepEqual(await store.queue.reclaimExpired({ maxAttempts: 5, error: WORKER_LOST }), []);
    assert.equal(await versionOf(store, batch), finished.version, 'nothing changed, so the version did not move');
  });
}
