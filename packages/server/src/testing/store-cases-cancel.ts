import assert from 'node:assert/strict';
import { CANCELLED, mustClaim, seed, summaryOf } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

/** Registers the cases about cancelling a batch. */
export function cancelCases(test: StoreTest): void {
  test('cancel turns pending files cancelled and leaves processing ones to finish', async (store) => {
    const { batch, files } = await seed(store, 3);
    const held = await mustClaim(store);
    assert.equal(held.file.id, files[0]!.id);

    assert.deepEqual(await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED), {
      outcome: 'cancelled',
      batch_finished: false,
    });
    const after = await store.records.getBatch(batch.workspace_id, batch.id);
    assert.ok(after);
    assert.ok(after.batch.cancelled_at instanceof Date);
    assert.equal(after.batch.finished_at, null, 'a file is still processing');
    assert.deepEqual(
      after.files.map((f) => f.status),
      ['processing', 'cancelled', 'cancelled'],
    );
    assert.deepEqual(after.files[1]!.error, CANCELLED);
    assert.deepEqual(after.files[2]!.error, CANCELLED);

    const done = await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: { ok: true } });
    assert.deepEqual(done, { batch_id: batch.id, workspace_id: batch.workspace_id, batch_finished: true });
    const finished = await summaryOf(store, batch);
    assert.ok(finished.finished_at instanceof Date);
    assert.deepEqual(finished.counts, { pending: 0, processing: 0, completed: 1, failed: 0, cancelled: 2 });
  });

  test('of two cancels at once, one cancels and the other is not_open', async (store) => {
    const { batch } = await seed(store, 3);
    const results = await Promise.all([
      store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED),
      store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED),
    ]);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['cancelled', 'not_open']);
    assert.equal(results.filter((r) => r.batch_finished).length, 1);
    assert.equal((await summaryOf(store, batch)).counts.cancelled, 3);
  });

  test('cancel with nothing processing finishes the batch at once', async (store) => {
    const { batch } = await seed(store, 2);
    assert.deepEqual(await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED), {
      outcome: 'cancelled',
      batch_finished: true,
    });
    const after = await summaryOf(store, batch);
    assert.ok(after.finished_at instanceof Date && after.cancelled_at instanceof Date);
    assert.equal(after.counts.cancelled, 2);
  });

  test('cancel of a finished batch answers not_open', async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store);
    await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null });
    assert.deepEqual(await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED), {
      outcome: 'not_open',
      batch_finished: false,
    });
    assert.equal((await summaryOf(store, batch)).cancelled_at, null);

    const other = await seed(store, 2);
    await mustClaim(store);
    await store.control.cancelBatch(other.batch.workspace_id, other.batch.id, CANCELLED);
    assert.deepEqual(
      await store.control.cancelBatch(other.batch.workspace_id, other.batch.id, CANCELLED),
      { outcome: 'not_open', batch_finished: false },
      'a second cancel is not_open too',
    );
  });
}
