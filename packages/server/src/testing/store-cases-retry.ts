import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BatchRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import {
  CANCELLED,
  CORRUPT,
  LONG_LEASE_MS,
  assertCountsAddUp,
  fileOf,
  mustClaim,
  newBatch,
  newFiles,
  rejectedFile,
  seed,
  sleep,
  summaryOf,
} from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

/** Claims every ready file and fails it. */
async function failAll(store: Store): Promise<void> {
  for (;;) {
    const claimed = await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS });
    if (!claimed) return;
    await store.queue.finishFile(claimed.file.id, claimed.token, { status: 'failed', error: CORRUPT });
  }
}

/** Registers the cases about putting a batch's failed files back in the queue. */
export function retryCases(test: StoreTest): void {
  test('retry puts failed files back as new and reopens the finished batch', async (store) => {
    const { batch } = await seed(store, 2);
    const ok = await mustClaim(store);
    await store.queue.finishFile(ok.file.id, ok.token, { status: 'completed', result: { fine: true } });
    const bad = await mustClaim(store);
    await store.queue.finishFile(bad.file.id, bad.token, { status: 'failed', error: CORRUPT });
    assert.ok((await summaryOf(store, batch)).finished_at instanceof Date);

    assert.deepEqual(await store.control.retryFailedFiles(batch.workspace_id, batch.id), { outcome: 'retried', retried: 1, not_retryable: 0 });
    const reopened = await summaryOf(store, batch);
    assert.equal(reopened.finished_at, null, 'the batch is open again');
    assert.deepEqual(reopened.counts, { pending: 1, processing: 0, completed: 1, failed: 0, cancelled: 0 });
    const file = await fileOf(store, batch, bad.file.id);
    assert.equal(file.status, 'pending');
    assert.equal(file.attempts, 0);
    for (const unset of [file.error, file.result, file.started_at, file.completed_at, file.run_after]) assert.equal(unset, null);
    assert.deepEqual((await fileOf(store, batch, ok.file.id)).result, { fine: true }, 'completed files are untouched');

    const again = await mustClaim(store);
    assert.equal(again.file.id, bad.file.id);
    assert.equal(again.file.attempts, 1);
    const done = await store.queue.finishFile(again.file.id, again.token, { status: 'completed', result: 2 });
    assert.equal(done?.batch_finished, true, 'the batch finishes again');
    await assertCountsAddUp(store, batch);
  });

  test('files without bytes stay failed and are counted as not retryable', async (store) => {
    const files = [rejectedFile(0), ...newFiles(2).map((f, i) => ({ ...f, position: i + 1 }))];
    const created = await store.records.createBatch(newBatch(), files);
    await failAll(store);
    // The bytes of one failed file were removed by retention.
    await store.retention.markBlobsPurged([files[2]!.id]);

    assert.deepEqual(await store.control.retryFailedFiles(created.workspace_id, created.id), { outcome: 'retried', retried: 1, not_retryable: 2 });
    const found = await store.records.getBatch(created.workspace_id, created.id);
    assert.deepEqual(
      found?.files.map((f) => f.status),
      ['failed', 'pending', 'failed'],
    );
    assert.equal(found?.files[0]?.error?.code, 'UNSUPPORTED_TYPE', 'a refused file keeps its reason');
  });

  test('nothing to retry: no failed file, or none with bytes', async (store) => {
    const { batch } = await seed(store, 1);
    const held = await mustClaim(store);
    await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null });
    assert.deepEqual(await store.control.retryFailedFiles(batch.workspace_id, batch.id), { outcome: 'nothing_to_retry', retried: 0, not_retryable: 0 });
    assert.ok((await summaryOf(store, batch)).finished_at instanceof Date, 'the batch stays finished');

    const refused = await store.records.createBatch(newBatch(), [rejectedFile(0), rejectedFile(1)]);
    assert.deepEqual(await store.control.retryFailedFiles(refused.workspace_id, refused.id), {
      outcome: 'nothing_to_retry',
      retried: 0,
      not_retryable: 2,
    });
    assert.ok((await summaryOf(store, refused)).finished_at instanceof Date);
  });

  test("a cancelled batch is not retried; a stranger's batch is not found", async (store) => {
    const { batch } = await seed(store, 2);
    const held = await mustClaim(store);
    await store.queue.finishFile(held.file.id, held.token, { status: 'failed', error: CORRUPT });
    await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED);
    assert.equal((await store.control.retryFailedFiles(batch.workspace_id, batch.id)).outcome, 'cancelled');
    assert.equal((await fileOf(store, batch, held.file.id)).status, 'failed');
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);

    assert.equal((await store.control.retryFailedFiles(`ws-${randomUUID()}`, batch.id)).outcome, 'not_found');
    assert.equal((await store.control.retryFailedFiles(batch.workspace_id, randomUUID())).outcome, 'not_found');
  });

  test('a retry while the batch still runs puts its failed files back behind the rest', async (store) => {
    const { batch, files } = await seed(store, 3);
    const first = await mustClaim(store);
    await store.queue.finishFile(first.file.id, first.token, { status: 'failed', error: CORRUPT });
    assert.equal((await store.control.retryFailedFiles(batch.workspace_id, batch.id)).retried, 1);
    assert.equal((await summaryOf(store, batch)).finished_at, null);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) order.push((await mustClaim(store)).file.id);
    assert.deepEqual(
      order,
      files.map((f) => f.id),
      'files of one batch still go by position',
    );
  });

  test('a retried batch queues like a new upload: behind batches uploaded before the retry', async (store) => {
    const old = await seed(store, 1);
    await failAll(store);
    await sleep(5);
    const newer = await seed(store, 1);
    await sleep(5);
    await store.control.retryFailedFiles(old.batch.workspace_id, old.batch.id);
    const order = [(await mustClaim(store)).batch.id, (await mustClaim(store)).batch.id];
    assert.deepEqual(order, [newer.batch.id, old.batch.id]);
  });

  test('a retry in a paused batch waits for the resume', async (store) => {
    const { batch } = await seed(store, 2);
    const held = await mustClaim(store);
    await store.control.pauseBatch(batch.workspace_id, batch.id);
    await store.queue.finishFile(held.file.id, held.token, { status: 'failed', error: CORRUPT });
    assert.equal((await store.control.retryFailedFiles(batch.workspace_id, batch.id)).retried, 1);
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }), null);
    await store.control.resumeBatch(batch.workspace_id, batch.id);
    assert.ok(await store.queue.claimFile({ owner: 'w', leaseMs: LONG_LEASE_MS }));
  });

  test('retry moves updated_at', async (store) => {
    const { batch } = await seed(store, 1);
    await failAll(store);
    const before: BatchRecord = await summaryOf(store, batch);
    await sleep(5);
    await store.control.retryFailedFiles(batch.workspace_id, batch.id);
    assert.ok((await summaryOf(store, batch)).updated_at.getTime() > before.updated_at.getTime());
  });
}
