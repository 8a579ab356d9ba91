import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CANCELLED,
  CORRUPT,
  LONG_LEASE_MS,
  SHORT_LEASE_MS,
  WORKER_LOST,
  assertCountsAddUp,
  fileOf,
  mustClaim,
  seed,
  sleep,
  summaryOf,
} from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

/** Registers the cases about pausing and resuming a batch. */
export function pauseCases(test: StoreTest): void {
  test("a paused batch's pending files are not claimed, and the files already processing finish", async (store) => {
    const paused = await seed(store, 3);
    const held = await mustClaim(store);
    assert.equal(held.batch.id, paused.batch.id);
    assert.deepEqual(await store.control.pauseBatch(paused.batch.workspace_id, paused.batch.id), { outcome: 'paused' });

    const other = await seed(store, 1);
    assert.equal((await mustClaim(store)).batch.id, other.batch.id, 'other batches go on');
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null, 'nothing of the paused batch is claimed');

    const summary = await summaryOf(store, paused.batch);
    assert.ok(summary.paused_at instanceof Date);
    assert.equal(summary.finished_at, null);
    const transition = await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null });
    assert.equal(transition?.batch_finished, false, 'a paused batch with pending files is not finished');
    assert.deepEqual((await summaryOf(store, paused.batch)).counts, { pending: 2, processing: 0, completed: 1, failed: 0, cancelled: 0 });
    await assertCountsAddUp(store, paused.batch);
  });

  test('a resumed batch is claimed again where it stopped, and finishes', async (store) => {
    const { batch, files } = await seed(store, 2);
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
    assert.deepEqual(await store.control.resumeBatch(batch.workspace_id, batch.id), { outcome: 'resumed' });
    assert.equal((await summaryOf(store, batch)).paused_at, null);

    const first = await mustClaim(store);
    assert.equal(first.file.id, files[0]!.id);
    await store.queue.finishFile(first.file.id, first.token, { status: 'completed', result: 1 });
    const second = await mustClaim(store);
    assert.equal((await store.queue.finishFile(second.file.id, second.token, { status: 'completed', result: 2 }))?.batch_finished, true);
  });

  test('pausing a paused batch and resuming a running one change nothing', async (store) => {
    const { batch } = await seed(store, 2);
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    const pausedAt = (await summaryOf(store, batch)).paused_at;
    await sleep(5);
    assert.deepEqual(await store.control.pauseBatch(batch.workspace_id, batch.id), { outcome: 'paused' });
    assert.deepEqual((await summaryOf(store, batch)).paused_at, pausedAt, "the first pause's time stays");

    assert.deepEqual(await store.control.resumeBatch(batch.workspace_id, batch.id), { outcome: 'resumed' });
    assert.deepEqual(await store.control.resumeBatch(batch.workspace_id, batch.id), { outcome: 'resumed' });
    assert.ok(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }));
  });

  test('of a pause and a resume racing, the batch ends in the state of the later one', async (store) => {
    const { batch } = await seed(store, 4);
    for (let round = 0; round < 3; round++) {
      await Promise.all([store.control.pauseBatch(batch.workspace_id, batch.id), store.control.resumeBatch(batch.workspace_id, batch.id)]);
    }
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null, 'paused at the end: nothing claimed');
    await store.control.resumeBatch(batch.workspace_id, batch.id);
    for (let i = 0; i < 4; i++) await mustClaim(store);
  });

  test("a finished or cancelled batch cannot be paused or resumed; a stranger's batch is not found", async (store) => {
    const done = await seed(store, 1);
    const held = await mustClaim(store);
    await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null });
    assert.deepEqual(await store.control.pauseBatch(done.batch.workspace_id, done.batch.id), { outcome: 'not_open' });
    assert.deepEqual(await store.control.resumeBatch(done.batch.workspace_id, done.batch.id), { outcome: 'not_open' });

    const cancelled = await seed(store, 2);
    await store.control.cancelBatch(cancelled.batch.workspace_id, cancelled.batch.id, CANCELLED);
    assert.deepEqual(await store.control.pauseBatch(cancelled.batch.workspace_id, cancelled.batch.id), { outcome: 'not_open' });
    assert.deepEqual(await store.control.resumeBatch(cancelled.batch.workspace_id, cancelled.batch.id), { outcome: 'not_open' });

    const open = await seed(store, 1);
    const stranger = `ws-${randomUUID()}`;
    assert.deepEqual(await store.control.pauseBatch(stranger, open.batch.id), { outcome: 'not_found' });
    assert.deepEqual(await store.control.resumeBatch(stranger, open.batch.id), { outcome: 'not_found' });
    assert.deepEqual(await store.control.pauseBatch(open.batch.workspace_id, randomUUID()), { outcome: 'not_found' });
    assert.equal((await summaryOf(store, open.batch)).paused_at, null);
  });

  test('a paused batch can be cancelled, and then ends', async (store) => {
    const { batch } = await seed(store, 3);
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    assert.deepEqual(await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED), { outcome: 'cancelled', batch_finished: true });
    const after = await summaryOf(store, batch);
    assert.ok(after.finished_at instanceof Date);
    assert.equal(after.counts.cancelled, 3);
    assert.deepEqual(await store.control.resumeBatch(batch.workspace_id, batch.id), { outcome: 'not_open' });
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
  });

  test('a file released or reclaimed while its batch is paused waits for the resume', async (store) => {
    const { batch } = await seed(store, 2);
    const released = await mustClaim(store);
    const expired = await mustClaim(store, SHORT_LEASE_MS);
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    await store.queue.releaseFile(released.file.id, released.token, { delayMs: 0, error: CORRUPT, refundAttempt: false });
    await sleep(SHORT_LEASE_MS * 2);
    await store.queue.reclaimExpired({ maxAttempts: 5, error: WORKER_LOST });
    assert.equal((await fileOf(store, batch, released.file.id)).status, 'pending');
    assert.equal((await fileOf(store, batch, expired.file.id)).status, 'pending');
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);

    await store.control.resumeBatch(batch.workspace_id, batch.id);
    const again = [await mustClaim(store), await mustClaim(store)].map((c) => c.file.id).sort();
    assert.deepEqual(again, [released.file.id, expired.file.id].sort());
  });

  test('pause and resume move updated_at', async (store) => {
    const { batch } = await seed(store, 1);
    await sleep(5);
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    const paused = (await summaryOf(store, batch)).updated_at.getTime();
    assert.ok(paused > batch.updated_at.getTime());
    await sleep(5);
    await store.control.resumeBatch(batch.workspace_id, batch.id);
    assert.ok((await summaryOf(store, batch)).updated_at.getTime() > paused);
  });
}
