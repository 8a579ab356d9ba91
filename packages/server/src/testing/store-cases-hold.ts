import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { acceptsFiles, batchStatus } from '../store/batch-status.js';
import type { BatchRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { CANCELLED, LONG_LEASE_MS, mustClaim, newBatch, newFiles, seed, sleep, summaryOf } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

const HOLD_MS = LONG_LEASE_MS;
const ROOMY = { maxFiles: 50 };

/** Claims and completes every ready file; returns how many of those completions finished the batch. */
async function completeAll(store: Store): Promise<number> {
  let finished = 0;
  for (;;) {
    const claimed = await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS });
    if (!claimed) return finished;
    const transition = await store.queue.finishFile(claimed.file.id, claimed.token, { status: 'completed', result: null });
    if (transition?.batch_finished) finished++;
  }
}

/** A batch held open whose files are all done: not finished. */
async function heldAndDone(store: Store, holdMs = HOLD_MS): Promise<BatchRecord> {
  const { batch } = await seed(store, 2, { hold_ms: holdMs });
  assert.equal(await completeAll(store), 0, 'a held batch does not finish with its files');
  return summaryOf(store, batch);
}

/** Registers the cases about batches held open for appends (large uploads in several parts). */
export function holdCases(test: StoreTest): void {
  test("a held batch's files run at once, but with all of them done it is not finished", async (store) => {
    const batch = await heldAndDone(store);
    assert.equal(batch.finished_at, null);
    assert.ok(batch.held_until, 'the hold is recorded');
    assert.ok(batch.held_until.getTime() > batch.created_at.getTime());
    assert.deepEqual(batch.counts, { pending: 0, processing: 0, completed: 2, failed: 0, cancelled: 0 });
    assert.equal(batchStatus(batch), 'processing');
    assert.equal(acceptsFiles(batch), true);
    assert.deepEqual(await store.control.releaseExpiredHolds(), [], 'a hold that has not run out stays');
    assert.equal((await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), { ...ROOMY, holdMs: HOLD_MS })).outcome, 'appended');
  });

  test('a batch keeps how many files its upload means to send, through appends; one that did not say has null', async (store) => {
    const { batch } = await seed(store, 2, { hold_ms: HOLD_MS, expected_files: 5 });
    assert.equal((await summaryOf(store, batch)).expected_files, 5);
    await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), { ...ROOMY, holdMs: HOLD_MS });
    const appended = await summaryOf(store, batch);
    assert.deepEqual([appended.total_files, appended.expected_files], [3, 5]);
    const { batch: plain } = await seed(store, 1);
    assert.equal((await summaryOf(store, plain)).expected_files, null);
  });

  test('close releases the hold: the batch finishes at once when its files are done, once', async (store) => {
    const batch = await heldAndDone(store);
    assert.deepEqual(await store.control.closeBatch(batch.workspace_id, batch.id), { outcome: 'closed', batch_finished: true });
    const closed = await summaryOf(store, batch);
    assert.ok(closed.finished_at);
    assert.equal(closed.held_until, null);
    assert.equal(batchStatus(closed), 'completed');
    assert.equal(acceptsFiles(closed), false);
    assert.deepEqual(
      await store.control.closeBatch(batch.workspace_id, batch.id),
      { outcome: 'closed', batch_finished: false },
      'closing again changes nothing',
    );
    assert.deepEqual(await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), ROOMY), { outcome: 'not_open' });
  });

  test('close of a held batch with files left to run lets it finish with the last of them', async (store) => {
    const { batch } = await seed(store, 2, { hold_ms: HOLD_MS });
    const first = await mustClaim(store);
    assert.deepEqual(await store.control.closeBatch(batch.workspace_id, batch.id), { outcome: 'closed', batch_finished: false });
    assert.equal((await store.queue.finishFile(first.file.id, first.token, { status: 'completed', result: null }))?.batch_finished, false);
    assert.equal(await completeAll(store), 1);
  });

  test('an append with more to come keeps the hold; the last append releases it', async (store) => {
    const batch = await heldAndDone(store);
    const more = await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), { ...ROOMY, holdMs: HOLD_MS });
    assert.ok(more.outcome === 'appended');
    assert.ok(more.batch.held_until);
    assert.equal(await completeAll(store), 0);
    assert.equal((await summaryOf(store, batch)).finished_at, null);

    const last = await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(2), ROOMY);
    assert.ok(last.outcome === 'appended');
    assert.equal(last.batch.held_until, null);
    assert.equal(last.batch.finished_at, null);
    assert.equal(await completeAll(store), 1, 'finished by its last file, once');
    const done = await summaryOf(store, batch);
    assert.equal(done.total_files, 5);
    assert.equal(batchStatus(done), 'completed');
  });

  test('a batch not held, or appended to without a hold, finishes as before', async (store) => {
    const { batch } = await seed(store, 1);
    assert.equal(batch.held_until, null);
    await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), ROOMY);
    assert.equal(await completeAll(store), 1);
  });

  test('a hold that runs out is released by the sweep, which finishes a batch whose files are done, once', async (store) => {
    const batch = await heldAndDone(store, 1);
    await sleep(30);
    const released = await Promise.all([store.control.releaseExpiredHolds(), store.control.releaseExpiredHolds(), store.control.releaseExpiredHolds()]);
    assert.deepEqual(released.flat(), [{ batch_id: batch.id, workspace_id: batch.workspace_id, batch_finished: true }]);
    const done = await summaryOf(store, batch);
    assert.ok(done.finished_at);
    assert.equal(done.held_until, null);
    assert.deepEqual(await store.control.releaseExpiredHolds(), []);
  });

  test('an expired hold of a batch with files left to run is released, and the batch finishes with them', async (store) => {
    const { batch } = await seed(store, 1, { hold_ms: 1 });
    await sleep(30);
    assert.deepEqual(await store.control.releaseExpiredHolds(), [{ batch_id: batch.id, workspace_id: batch.workspace_id, batch_finished: false }]);
    assert.equal(await completeAll(store), 1);
  });

  test('an append with more to come restarts the hold from now', async (store) => {
    const { batch } = await seed(store, 1, { hold_ms: 1 });
    await sleep(30);
    await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), { ...ROOMY, holdMs: HOLD_MS });
    assert.deepEqual(await store.control.releaseExpiredHolds(), []);
    assert.equal(await completeAll(store), 0);
    assert.equal((await summaryOf(store, batch)).finished_at, null);
  });

  test("extendHold keeps a held batch held from now (a resumable upload still arriving), never shorter; not a batch closed, finished, cancelled or a stranger's", async (store) => {
    const { batch } = await seed(store, 1, { hold_ms: 1 });
    await sleep(30);
    assert.equal(await store.control.extendHold(batch.workspace_id, batch.id, HOLD_MS), true);
    assert.deepEqual(await store.control.releaseExpiredHolds(), [], 'the hold runs from now again');
    const extended = (await summaryOf(store, batch)).held_until!.getTime();
    assert.ok(extended > Date.now() + HOLD_MS / 2, 'held about HOLD_MS from now');
    assert.equal(await store.control.extendHold(batch.workspace_id, batch.id, 1), true);
    assert.equal((await summaryOf(store, batch)).held_until!.getTime(), extended, 'a shorter hold does not cut it');
    assert.equal(await completeAll(store), 0, 'still held with its files done');

    assert.equal(await store.control.extendHold(`ws-${randomUUID()}`, batch.id, HOLD_MS), false, "a stranger's batch");
    assert.equal(await store.control.extendHold(batch.workspace_id, randomUUID(), HOLD_MS), false, 'no such batch');
    await store.control.closeBatch(batch.workspace_id, batch.id);
    const closed = await summaryOf(store, batch);
    assert.ok(closed.finished_at);
    assert.equal(await store.control.extendHold(batch.workspace_id, batch.id, HOLD_MS), false, 'a finished batch');
    assert.equal((await summaryOf(store, batch)).held_until, null);

    const { batch: plain } = await seed(store, 1);
    assert.equal(await store.control.extendHold(plain.workspace_id, plain.id, HOLD_MS), false, 'a batch never held');
    assert.equal((await summaryOf(store, plain)).held_until, null);
    const { batch: cancelled } = await seed(store, 1, { hold_ms: HOLD_MS });
    await store.control.cancelBatch(cancelled.workspace_id, cancelled.id, CANCELLED);
    assert.equal(await store.control.extendHold(cancelled.workspace_id, cancelled.id, HOLD_MS), false, 'a cancelled batch');
  });

  test("cancel releases the hold; a cancelled batch cannot be closed; a stranger's batch is not found", async (store) => {
    const { batch } = await seed(store, 1, { hold_ms: HOLD_MS });
    const held = await mustClaim(store);
    await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED);
    assert.equal((await summaryOf(store, batch)).held_until, null);
    assert.equal((await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null }))?.batch_finished, true);
    assert.deepEqual(await store.control.closeBatch(batch.workspace_id, batch.id), { outcome: 'not_open', batch_finished: false });
    assert.deepEqual(await store.control.closeBatch(`ws-${randomUUID()}`, batch.id), { outcome: 'not_found', batch_finished: false });
    assert.deepEqual(await store.control.closeBatch(batch.workspace_id, randomUUID()), { outcome: 'not_found', batch_finished: false });
  });

  test('a paused held batch stays paused when closed, and finishes after the resume', async (store) => {
    const { batch } = await seed(store, 1, { hold_ms: HOLD_MS });
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    assert.deepEqual(await store.control.closeBatch(batch.workspace_id, batch.id), { outcome: 'closed', batch_finished: false });
    assert.equal(batchStatus(await summaryOf(store, batch)), 'paused');
    assert.equal(await completeAll(store), 0);
    await store.control.resumeBatch(batch.workspace_id, batch.id);
    assert.equal(await completeAll(store), 1);
  });

  test('stores sweeping expired holds at once release each batch once, and finish it once', async (a, handles) => {
    const b = await handles.open();
    const held = await Promise.all(Array.from({ length: 5 }, () => a.records.createBatch(newBatch({ hold_ms: 1 }), newFiles(1))));
    for (let i = 0; i < held.length; i++) {
      const claimed = await b.queue.claimFile({ owner: 'w', leaseMs: 60_000 });
      assert.equal((await b.queue.finishFile(claimed!.file.id, claimed!.token, { status: 'completed', result: null }))?.batch_finished, false);
    }
    await sleep(30);
    const sweeps = await Promise.all([a, b, a, b].map((store) => store.control.releaseExpiredHolds()));
    const released = sweeps.flat();
    assert.deepEqual(released.map((t) => t.batch_id).sort(), held.map((h) => h.id).sort(), 'each batch released once');
    assert.ok(released.every((t) => t.batch_finished));
    for (const h of held) assert.ok((await b.records.getBatchSummary(h.workspace_id, h.id))?.finished_at);
  });
}
