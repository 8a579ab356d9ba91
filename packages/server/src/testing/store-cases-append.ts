import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CANCELLED, LONG_LEASE_MS, assertCountsAddUp, mustClaim, newFiles, rejectedFile, seed, summaryOf } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

const ROOMY = { maxFiles: 50 };

/** Registers the cases about adding files to a batch that is still open. */
export function appendCases(test: StoreTest): void {
  test("appended files take the next positions and are claimed after the batch's own", async (store) => {
    const { batch, files } = await seed(store, 2);
    const added = [...newFiles(2), rejectedFile(7)];
    const result = await store.control.appendFiles(batch.workspace_id, batch.id, added, ROOMY);
    assert.equal(result.outcome, 'appended');
    assert.ok(result.outcome === 'appended');
    assert.equal(result.batch.total_files, 5);
    assert.deepEqual(result.batch.counts, { pending: 4, processing: 0, completed: 0, failed: 1, cancelled: 0 });

    const found = await store.records.getBatch(batch.workspace_id, batch.id);
    assert.deepEqual(
      found?.files.map((f) => f.id),
      [...files, ...added].map((f) => f.id),
    );
    assert.deepEqual(
      found?.files.map((f) => f.position),
      [0, 1, 2, 3, 4],
      'given positions are ignored',
    );
    assert.equal(found?.files[4]?.error?.code, 'UNSUPPORTED_TYPE');
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await mustClaim(store)).file.id);
    assert.deepEqual(
      order,
      [...files, ...added.slice(0, 2)].map((f) => f.id),
    );
    await assertCountsAddUp(store, batch);
  });

  test('an append that would pass the file limit stores nothing; one that reaches it is fine', async (store) => {
    const { batch } = await seed(store, 2);
    assert.deepEqual(await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(2), { maxFiles: 3 }), { outcome: 'too_many', total_files: 2 });
    assert.equal((await summaryOf(store, batch)).total_files, 2);
    assert.equal((await store.records.getBatch(batch.workspace_id, batch.id))?.files.length, 2);
    assert.equal((await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), { maxFiles: 3 })).outcome, 'appended');
    assert.deepEqual(await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), { maxFiles: 3 }), { outcome: 'too_many', total_files: 3 });
    await assertCountsAddUp(store, batch);
  });

  test('appends racing for the last places: the limit holds and positions stay distinct', async (store) => {
    const { batch } = await seed(store, 1);
    const results = await Promise.all(Array.from({ length: 6 }, () => store.control.appendFiles(batch.workspace_id, batch.id, newFiles(2), { maxFiles: 8 })));
    assert.equal(results.filter((r) => r.outcome === 'appended').length, 3);
    assert.equal(results.filter((r) => r.outcome === 'too_many').length, 3);
    const found = await store.records.getBatch(batch.workspace_id, batch.id);
    assert.equal(found?.batch.total_files, 7);
    assert.equal(new Set(found?.files.map((f) => f.position)).size, 7);
    await assertCountsAddUp(store, batch);
  });

  test('a batch with an appended file does not finish before that file does', async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store);
    await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(1), ROOMY);
    assert.equal((await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null }))?.batch_finished, false);
    const appended = await mustClaim(store);
    assert.equal((await store.queue.finishFile(appended.file.id, appended.token, { status: 'completed', result: null }))?.batch_finished, true);
  });

  test('files appended to a paused batch wait for the resume', async (store) => {
    const { batch } = await seed(store, 1);
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    await store.control.appendFiles(batch.workspace_id, batch.id, newFiles(2), ROOMY);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
    await store.control.resumeBatch(batch.workspace_id, batch.id);
    for (let i = 0; i < 3; i++) await mustClaim(store);
  });

  test("a finished or cancelled batch takes no files; a stranger's batch is not found", async (store) => {
    const done = await seed(store, 1);
    const held = await mustClaim(store);
    await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null });
    assert.deepEqual(await store.control.appendFiles(done.batch.workspace_id, done.batch.id, newFiles(1), ROOMY), { outcome: 'not_open' });

    const cancelled = await seed(store, 1);
    await store.control.cancelBatch(cancelled.batch.workspace_id, cancelled.batch.id, CANCELLED);
    assert.deepEqual(await store.control.appendFiles(cancelled.batch.workspace_id, cancelled.batch.id, newFiles(1), ROOMY), { outcome: 'not_open' });
    assert.equal((await summaryOf(store, cancelled.batch)).total_files, 1);

    const open = await seed(store, 1);
    assert.deepEqual(await store.control.appendFiles(`ws-${randomUUID()}`, open.batch.id, newFiles(1), ROOMY), { outcome: 'not_found' });
    assert.deepEqual(await store.control.appendFiles(open.batch.workspace_id, randomUUID(), newFiles(1), ROOMY), { outcome: 'not_found' });
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }).then((c) => c?.batch.id), open.batch.id);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null, 'nothing was stored');
  });
}
