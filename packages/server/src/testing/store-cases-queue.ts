import assert from 'node:assert/strict';
import type { NewFile } from '../store/records.js';
import {
  CANCELLED,
  CORRUPT,
  LONG_LEASE_MS,
  SHORT_LEASE_MS,
  WORKER_LOST,
  fileOf,
  mustClaim,
  newBatch,
  newFiles,
  seed,
  sleep,
  summaryOf,
} from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

/** Registers the cases about the processing queue: claims, leases, release and reclaim. */
export function queueCases(test: StoreTest): void {
  test('nothing is claimed from an empty queue', async (store) => {
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
  });

  test('a claimed file is processing under a fresh lease and carries its batch', async (store) => {
    const { batch, files } = await seed(store, 2);
    const claimed = await mustClaim(store, 30_000, 'worker-7');
    assert.equal(claimed.file.id, files[0]!.id);
    assert.equal(claimed.file.status, 'processing');
    assert.equal(claimed.file.attempts, 1);
    assert.equal(claimed.file.lease_owner, 'worker-7');
    assert.ok(claimed.file.started_at instanceof Date);
    assert.ok(claimed.file.lease_expires_at instanceof Date);
    const leaseMs = claimed.file.lease_expires_at.getTime() - claimed.file.started_at.getTime();
    assert.ok(Math.abs(leaseMs - 30_000) < 1_000, `lease lasts leaseMs (got ${leaseMs})`);
    assert.equal(claimed.batch.id, batch.id);
    assert.equal(claimed.batch.counts.processing, 1);
    assert.ok(typeof claimed.token === 'string' && claimed.token.length > 0);
    assert.deepEqual(await fileOf(store, batch, claimed.file.id), claimed.file);

    const next = await mustClaim(store);
    assert.notEqual(next.token, claimed.token);
  });

  test('claims follow priority then age', async (store) => {
    // Created oldest first, so age alone would give the opposite order for priorities.
    const create = async (priority: 'high' | 'normal' | 'low'): Promise<NewFile> => {
      const files = newFiles(1);
      await store.records.createBatch(newBatch({ priority }), files);
      await sleep(5);
      return files[0]!;
    };
    const low = await create('low');
    const olderNormal = await create('normal');
    const newerNormal = await create('normal');
    const high = await create('high');

    const claimed: string[] = [];
    for (let i = 0; i < 4; i++) claimed.push((await mustClaim(store)).file.id);
    assert.deepEqual(
      claimed,
      [high, olderNormal, newerNormal, low].map((f) => f.id),
    );
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
  });

  test('the files of one batch are claimed in position order', async (store) => {
    const files = newFiles(3);
    await store.records.createBatch(newBatch(), [...files].reverse());
    const claimed: string[] = [];
    for (let i = 0; i < 3; i++) claimed.push((await mustClaim(store)).file.id);
    assert.deepEqual(
      claimed,
      files.map((f) => f.id),
    );
  });

  test('a long batch lets a batch uploaded just after it in, instead of blocking it to the end', async (store) => {
    const long = await seed(store, 10);
    await sleep(5);
    const short = await seed(store, 2);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await mustClaim(store)).batch.id);
    assert.equal(order[0], long.batch.id, 'the older batch goes first');
    assert.ok(order.includes(short.batch.id), 'the younger batch advances while the long one is still running');
  });

  test('priority orders batches created at the same moment: high, then normal, then low', async (store) => {
    const low = await seed(store, 1, { priority: 'low' });
    const normal = await seed(store, 1, { priority: 'normal' });
    const high = await seed(store, 1, { priority: 'high' });
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await mustClaim(store)).batch.id);
    assert.deepEqual(order, [high.batch.id, normal.batch.id, low.batch.id]);
  });

  test('two concurrent claimers never get the same file', async (store) => {
    const { files } = await seed(store, 30);
    const claims = await Promise.all(Array.from({ length: 50 }, (_, i) => store.queue.claimFile({ owner: `worker-${i}`, leaseMs: LONG_LEASE_MS })));
    const won = claims.filter((c) => c !== null);
    assert.equal(won.length, 30);
    assert.equal(claims.length - won.length, 20);
    assert.deepEqual(new Set(won.map((c) => c.file.id)), new Set(files.map((f) => f.id)));
    assert.equal(new Set(won.map((c) => c.token)).size, 30);
    assert.ok(won.every((c) => c.file.attempts === 1));
  });

  test('when the last files of a batch finish at once, exactly one finish reports the batch finished', async (store) => {
    const { batch } = await seed(store, 8);
    const held = await Promise.all(Array.from({ length: 8 }, () => mustClaim(store)));
    const transitions = await Promise.all(held.map((h) => store.queue.finishFile(h.file.id, h.token, { status: 'completed', result: null })));
    assert.equal(transitions.filter((t) => t?.batch_finished).length, 1);
    const finished = await summaryOf(store, batch);
    assert.ok(finished.finished_at instanceof Date);
    assert.deepEqual(finished.counts, { pending: 0, processing: 0, completed: 8, failed: 0, cancelled: 0 });
  });

  test('concurrent sweeps reclaim each expired file once', async (store) => {
    const { batch } = await seed(store, 6);
    for (let i = 0; i < 6; i++) await mustClaim(store, SHORT_LEASE_MS);
    await sleep(SHORT_LEASE_MS * 2);
    const sweeps = await Promise.all(Array.from({ length: 4 }, () => store.queue.reclaimExpired({ maxAttempts: 5, error: WORKER_LOST })));
    assert.equal(sweeps.flat().length, 6);
    assert.ok(sweeps.flat().every((t) => t.batch_id === batch.id));
    assert.equal((await summaryOf(store, batch)).counts.pending, 6);
    const again = await Promise.all(Array.from({ length: 6 }, () => mustClaim(store)));
    assert.ok(
      again.every((c) => c.file.attempts === 2),
      'each expired claim counted once',
    );
  });

  test('a wrong token changes nothing', async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store);
    const before = await store.records.getBatch(batch.workspace_id, batch.id);
    await sleep(5);

    assert.equal(await store.queue.renewLease(held.file.id, 'not-the-token', LONG_LEASE_MS * 2), false);
    assert.equal(await store.queue.finishFile(held.file.id, 'not-the-token', { status: 'completed', result: 1 }), null);
    assert.equal(await store.queue.releaseFile(held.file.id, 'not-the-token', { delayMs: 0, error: CORRUPT, refundAttempt: true }), null);
    assert.equal(await store.queue.renewLease('no-such-file', held.token, LONG_LEASE_MS), false);
    assert.deepEqual(await store.records.getBatch(batch.workspace_id, batch.id), before);
  });

  test('a worker that lost its lease writes nothing', async (store) => {
    const { batch } = await seed(store, 1);
    const lost = await mustClaim(store, SHORT_LEASE_MS, 'worker-a');
    await sleep(SHORT_LEASE_MS * 2);
    await store.queue.reclaimExpired({ maxAttempts: 5, error: WORKER_LOST });
    const current = await mustClaim(store, LONG_LEASE_MS, 'worker-b');
    assert.equal(current.file.id, lost.file.id);
    const before = await store.records.getBatch(batch.workspace_id, batch.id);

    assert.equal(await store.queue.renewLease(lost.file.id, lost.token, LONG_LEASE_MS), false);
    assert.equal(await store.queue.finishFile(lost.file.id, lost.token, { status: 'completed', result: 'stale' }), null);
    assert.equal(await store.queue.releaseFile(lost.file.id, lost.token, { delayMs: 0, error: null, refundAttempt: true }), null);
    assert.deepEqual(await store.records.getBatch(batch.workspace_id, batch.id), before);

    assert.ok(await store.queue.finishFile(current.file.id, current.token, { status: 'completed', result: 'fresh' }));
    assert.equal(
      await store.queue.finishFile(current.file.id, current.token, { status: 'completed', result: 'again' }),
      null,
      'a finished file is held by no one',
    );
    assert.equal(await store.queue.renewLease(current.file.id, current.token, LONG_LEASE_MS), false);
    assert.equal((await fileOf(store, batch, current.file.id)).result, 'fresh');
  });

  test('renewing a lease keeps the file held past its first expiry', async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store, SHORT_LEASE_MS * 2);
    assert.equal(await store.queue.renewLease(held.file.id, held.token, LONG_LEASE_MS), true);
    await sleep(SHORT_LEASE_MS * 3);
    assert.deepEqual(await store.queue.reclaimExpired({ maxAttempts: 5, error: WORKER_LOST }), []);
    const file = await fileOf(store, batch, held.file.id);
    assert.equal(file.status, 'processing');
    assert.ok(file.lease_expires_at!.getTime() > held.file.lease_expires_at!.getTime());
    assert.ok(await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null }));
  });

  test('an expired lease is reclaimed and counts an attempt', async (store) => {
    const { batch } = await seed(store, 2);
    const first = await mustClaim(store, SHORT_LEASE_MS);
    assert.deepEqual(await store.queue.reclaimExpired({ maxAttempts: 3, error: WORKER_LOST }), [], 'not expired yet');
    await sleep(SHORT_LEASE_MS * 2);

    assert.deepEqual(await store.queue.reclaimExpired({ maxAttempts: 3, error: WORKER_LOST }), [
      { batch_id: batch.id, workspace_id: batch.workspace_id, batch_finished: false, file: { id: first.file.id, status: 'pending', attempts: 1 } },
    ]);
    const back = await fileOf(store, batch, first.file.id);
    assert.equal(back.status, 'pending');
    assert.equal(back.lease_owner, null);
    assert.equal(back.lease_expires_at, null);
    assert.equal(back.attempts, 1);

    const again = await mustClaim(store);
    assert.equal(again.file.id, first.file.id, 'it is claimable at once, ahead of later positions');
    assert.equal(again.file.attempts, 2);
    assert.deepEqual(again.file.started_at, first.file.started_at, 'started_at is set on the first claim only');
  });

  test('a file that exhausted its attempts fails with the given error', async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store, SHORT_LEASE_MS);
    await sleep(SHORT_LEASE_MS * 2);
    assert.deepEqual(await store.queue.reclaimExpired({ maxAttempts: 1, error: WORKER_LOST }), [
      { batch_id: batch.id, workspace_id: batch.workspace_id, batch_finished: true, file: { id: held.file.id, status: 'failed', attempts: 1 } },
    ]);
    const file = await fileOf(store, batch, held.file.id);
    assert.equal(file.status, 'failed');
    assert.deepEqual(file.error, WORKER_LOST);
    assert.ok(file.completed_at instanceof Date);
    assert.equal(file.lease_owner, null);
    assert.ok((await summaryOf(store, batch)).finished_at instanceof Date);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
    assert.equal(await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: 1 }), null);
  });

  test('release with refundAttempt gives the attempt back', async (store) => {
    const { batch } = await seed(store, 1);
    const first = await mustClaim(store);
    assert.deepEqual(await store.queue.releaseFile(first.file.id, first.token, { delayMs: 0, error: CORRUPT, refundAttempt: true }), {
      batch_id: batch.id,
      workspace_id: batch.workspace_id,
      batch_finished: false,
    });
    const released = await fileOf(store, batch, first.file.id);
    assert.equal(released.status, 'pending');
    assert.equal(released.attempts, 0);
    assert.deepEqual(released.error, CORRUPT, 'the last error seen is kept');
    assert.equal(released.lease_owner, null);

    const second = await mustClaim(store);
    assert.equal(second.file.attempts, 1);
    await store.queue.releaseFile(second.file.id, second.token, { delayMs: 0, error: null, refundAttempt: false });
    const kept = await fileOf(store, batch, first.file.id);
    assert.equal(kept.attempts, 1, 'without a refund the attempt counts');
    assert.deepEqual(kept.error, CORRUPT, 'releasing with no new error keeps the last one');
    assert.equal((await mustClaim(store)).file.attempts, 2);
  });

  test('a released file waits delayMs before it is claimable', async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store);
    await store.queue.releaseFile(held.file.id, held.token, { delayMs: 250, error: CORRUPT, refundAttempt: false });
    const waiting = await fileOf(store, batch, held.file.id);
    assert.ok(waiting.run_after instanceof Date);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
    await sleep(350);
    assert.equal((await mustClaim(store)).file.id, held.file.id);
  });

  test('cancelled batches are never claimed', async (store) => {
    const cancelled = await seed(store, 3);
    const open = await seed(store, 1);
    await store.control.cancelBatch(cancelled.batch.workspace_id, cancelled.batch.id, CANCELLED);
    assert.equal((await mustClaim(store)).batch.id, open.batch.id);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
  });

  test('a file released after its batch was cancelled is cancelled, not queued again', async (store) => {
    const { batch } = await seed(store, 2);
    const held = await mustClaim(store);
    await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED);
    const transition = await store.queue.releaseFile(held.file.id, held.token, { delayMs: 0, error: CORRUPT, refundAttempt: true });
    assert.equal(transition?.batch_finished, true);
    assert.equal((await fileOf(store, batch, held.file.id)).status, 'cancelled');
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
  });

  test('an expired file of a cancelled batch is cancelled, not queued again', async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store, SHORT_LEASE_MS);
    await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED);
    await sleep(SHORT_LEASE_MS * 2);
    const transitions = await store.queue.reclaimExpired({ maxAttempts: 5, error: WORKER_LOST });
    assert.deepEqual(transitions, [
      { batch_id: batch.id, workspace_id: batch.workspace_id, batch_finished: true, file: { id: held.file.id, status: 'cancelled', attempts: 1 } },
    ]);
    assert.equal((await fileOf(store, batch, held.file.id)).status, 'cancelled');
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
  });

  test('two stores on the same storage never claim the same file', async (a, handles) => {
    const b = await handles.open();
    const created = newFiles(40);
    const batch = await a.records.createBatch(newBatch(), created);
    const claims = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).queue.claimFile({ owner: `w${i}`, leaseMs: 60_000 })));
    const won = claims.filter((c) => c !== null).map((c) => c.file.id);
    assert.equal(won.length, 40);
    assert.deepEqual(new Set(won), new Set(created.map((f) => f.id)));
    const seen = await b.records.getBatchSummary(batch.workspace_id, batch.id);
    assert.deepEqual(seen?.counts, { pending: 0, processing: 40, completed: 0, failed: 0, cancelled: 0 }, "b sees a's claims");
  });

  test('a high priority batch does not starve an old low one forever', async (_store, handles) => {
    let now = Date.now();
    const store = await handles.open({ now: () => now });
    const low = await store.records.createBatch(newBatch({ priority: 'low' }), newFiles(1));
    now += 19 * 60_000;
    const earlyHigh = await store.records.createBatch(newBatch({ priority: 'high' }), newFiles(1));
    now += 2 * 60_000;
    const lateHigh = await store.records.createBatch(newBatch({ priority: 'high' }), newFiles(1));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await store.queue.claimFile({ owner: 'w', leaseMs: 60_000 }))?.batch.id);
    assert.deepEqual(order, [earlyHigh.id, low.id, lateHigh.id], 'a low batch waits at most 20 minutes behind high ones');
  });
}
