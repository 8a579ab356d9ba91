import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BatchRecord } from '../store/records.js';
import { CANCELLED, CORRUPT, assertCountsAddUp, fileOf, mustClaim, newBatch, newFiles, rejectedFile, seed, sleep, summaryOf } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

/** Registers the cases about recording batches, reading them back, and history. */
export function batchCases(test: StoreTest): void {
  test('init is idempotent (calling it twice is fine)', async (store) => {
    await store.init();
    const { batch } = await seed(store, 1);
    assert.ok(await store.records.getBatch(batch.workspace_id, batch.id));
  });

  test('a batch and its files are created at once', async (store) => {
    const input = newBatch({ priority: 'high', patient_id: 'P-1', template_id: 'T.2', encounter_id: 'E:3' });
    const files = newFiles(3);
    const before = Date.now();
    const created = await store.records.createBatch(input, [files[2]!, files[0]!, files[1]!]);

    assert.equal(created.id, input.id);
    assert.equal(created.workspace_id, input.workspace_id);
    assert.equal(created.priority, 'high');
    assert.deepEqual([created.patient_id, created.template_id, created.encounter_id], ['P-1', 'T.2', 'E:3']);
    assert.equal(created.total_files, 3);
    assert.deepEqual(created.counts, { pending: 3, processing: 0, completed: 0, failed: 0, cancelled: 0 });
    assert.ok(created.created_at instanceof Date && created.updated_at instanceof Date);
    assert.ok(Math.abs(created.created_at.getTime() - before) < 60_000, 'created_at is about now');
    assert.equal(created.cancelled_at, null);
    assert.equal(created.paused_at, null);
    assert.equal(created.finished_at, null);

    const found = await store.records.getBatch(input.workspace_id, input.id);
    assert.ok(found);
    assert.deepEqual(found.batch, created);
    assert.deepEqual(await store.records.getBatchSummary(input.workspace_id, input.id), created);
    assert.deepEqual(
      found.files.map((f) => f.id),
      files.map((f) => f.id),
      'files come back in position order',
    );
    for (const [i, file] of found.files.entries()) {
      const sent = files[i]!;
      assert.equal(file.batch_id, input.id);
      assert.equal(file.workspace_id, input.workspace_id);
      assert.equal(file.position, sent.position);
      assert.equal(file.filename, sent.filename);
      assert.equal(file.size, sent.size);
      assert.equal(file.declared_type, sent.declared_type);
      assert.equal(file.detected_type, sent.detected_type);
      assert.equal(file.blob_key, sent.blob_key);
      assert.equal(file.status, 'pending');
      assert.equal(file.attempts, 0);
      assert.equal(file.error, null);
      assert.equal(file.result, null);
      assert.ok(file.created_at instanceof Date);
      for (const unset of [file.started_at, file.completed_at, file.run_after, file.lease_owner, file.lease_expires_at, file.blob_purged_at]) {
        assert.equal(unset, null);
      }
    }
  });

  test('a batch that cannot be stored leaves nothing behind', async (store) => {
    const files = newFiles(2);
    const clash = newBatch();
    await assert.rejects(store.records.createBatch(clash, [files[0]!, { ...files[1]!, id: files[0]!.id }]));
    assert.equal(await store.records.getBatch(clash.workspace_id, clash.id), null);
    assert.deepEqual(await store.records.listBatches(clash.workspace_id, { limit: 10 }), []);

    const { batch } = await seed(store, 2);
    await assert.rejects(store.records.createBatch({ ...newBatch(), id: batch.id, workspace_id: batch.workspace_id }, newFiles(1)));
    const kept = await store.records.getBatch(batch.workspace_id, batch.id);
    assert.equal(kept?.files.length, 2);
  });

  test("another workspace's batch is not found", async (store) => {
    const { batch } = await seed(store, 2);
    const stranger = `ws-${randomUUID()}`;
    assert.equal(await store.records.getBatch(stranger, batch.id), null);
    assert.equal(await store.records.getBatchSummary(stranger, batch.id), null);
    assert.deepEqual(await store.records.listBatches(stranger, { limit: 10 }), []);
    assert.deepEqual(await store.control.cancelBatch(stranger, batch.id, CANCELLED), { outcome: 'not_found', batch_finished: false });
    assert.equal((await summaryOf(store, batch)).cancelled_at, null, "the owner's batch is untouched");
  });

  test('an unknown batch is not found', async (store) => {
    const ws = `ws-${randomUUID()}`;
    assert.equal(await store.records.getBatch(ws, randomUUID()), null);
    assert.equal(await store.records.getBatchSummary(ws, randomUUID()), null);
    assert.deepEqual(await store.control.cancelBatch(ws, randomUUID(), CANCELLED), { outcome: 'not_found', batch_finished: false });
  });

  test('history is newest first and pages by cursor without gaps or repeats', async (store) => {
    const ws = `ws-${randomUUID()}`;
    for (let i = 0; i < 7; i++) {
      await seed(store, 1, { workspace_id: ws });
      await seed(store, 1); // another workspace's batch, never listed
      if (i % 2 === 0) await sleep(3); // some batches share a millisecond, some do not
    }
    const all = await store.records.listBatches(ws, { limit: 100 });
    assert.equal(all.length, 7);
    assert.ok(all.every((b) => b.workspace_id === ws));
    for (let i = 1; i < all.length; i++) assert.ok(isNewer(all[i - 1]!, all[i]!), 'newest first, then id descending');

    const paged: string[] = [];
    let page = await store.records.listBatches(ws, { limit: 3 });
    const sizes: number[] = [];
    while (page.length > 0) {
      assert.ok(sizes.length < 5, 'paging ends');
      sizes.push(page.length);
      paged.push(...page.map((b) => b.id));
      const last = page.at(-1)!;
      page = await store.records.listBatches(ws, { limit: 3, cursor: { created_at: last.created_at, id: last.id } });
    }
    assert.deepEqual(sizes, [3, 3, 1]);
    assert.deepEqual(
      paged,
      all.map((b) => b.id),
    );
  });

  test('finishing the last file finishes the batch (batch_finished true exactly once)', async (store) => {
    const { batch } = await seed(store, 3);
    const held = [await mustClaim(store), await mustClaim(store), await mustClaim(store)];
    const outcomes = [];
    for (const [i, claim] of held.entries()) {
      assert.equal((await summaryOf(store, batch)).finished_at, null);
      const transition = await store.queue.finishFile(
        claim.file.id,
        claim.token,
        i === 1 ? { status: 'failed', error: CORRUPT } : { status: 'completed', result: { i } },
      );
      assert.ok(transition);
      assert.equal(transition.batch_id, batch.id);
      assert.equal(transition.workspace_id, batch.workspace_id);
      outcomes.push(transition.batch_finished);
    }
    assert.deepEqual(outcomes, [false, false, true]);
    const finished = await summaryOf(store, batch);
    assert.ok(finished.finished_at instanceof Date);
    assert.ok(finished.finished_at.getTime() >= finished.created_at.getTime());
    assert.deepEqual(finished.counts, { pending: 0, processing: 0, completed: 2, failed: 1, cancelled: 0 });
  });

  test('a batch created with only failed files is finished at once', async (store) => {
    const created = await store.records.createBatch(newBatch(), [rejectedFile(0), rejectedFile(1)]);
    assert.ok(created.finished_at instanceof Date);
    assert.deepEqual(created.counts, { pending: 0, processing: 0, completed: 0, failed: 2, cancelled: 0 });
    const found = await store.records.getBatch(created.workspace_id, created.id);
    assert.deepEqual(
      found?.files.map((f) => f.error?.code),
      ['UNSUPPORTED_TYPE', 'UNSUPPORTED_TYPE'],
    );
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: 1_000 }), null);
    assert.equal((await store.control.cancelBatch(created.workspace_id, created.id, CANCELLED)).outcome, 'not_open');
  });

  test('counts always add up to total_files', async (store) => {
    const created = await store.records.createBatch(newBatch(), [rejectedFile(0), ...newFiles(4).map((f, i) => ({ ...f, position: i + 1 }))]);
    await assertCountsAddUp(store, created);
    const a = await mustClaim(store);
    const b = await mustClaim(store);
    await assertCountsAddUp(store, created);
    await store.queue.finishFile(a.file.id, a.token, { status: 'completed', result: 1 });
    await assertCountsAddUp(store, created);
    await store.queue.releaseFile(b.file.id, b.token, { delayMs: 0, error: CORRUPT, refundAttempt: false });
    await assertCountsAddUp(store, created);
    const c = await mustClaim(store);
    await store.queue.finishFile(c.file.id, c.token, { status: 'failed', error: CORRUPT });
    await assertCountsAddUp(store, created);
    await mustClaim(store);
    await store.control.cancelBatch(created.workspace_id, created.id, CANCELLED);
    await assertCountsAddUp(store, created);
    const counts = (await summaryOf(store, created)).counts;
    assert.deepEqual(counts, { pending: 0, processing: 1, completed: 1, failed: 2, cancelled: 1 });
  });

  test('results and errors round-trip as JSON', async (store) => {
    const { batch } = await seed(store, 3);
    const result = {
      pages: 3,
      ratio: 0.5,
      text: 'Ünïcødé “quotes” \u{1FA7A} \n tab\t',
      nested: { list: [1, 'two', null, true, { deep: [] }], empty: {} },
    };
    const first = await mustClaim(store);
    const second = await mustClaim(store);
    const third = await mustClaim(store);
    await store.queue.finishFile(first.file.id, first.token, { status: 'completed', result });
    await store.queue.finishFile(second.file.id, second.token, { status: 'failed', error: CORRUPT });
    await store.queue.finishFile(third.file.id, third.token, { status: 'completed', result: ['a', 2] });

    const one = await fileOf(store, batch, first.file.id);
    assert.deepEqual(one.result, result);
    assert.equal(one.error, null);
    assert.ok(one.completed_at instanceof Date);
    const two = await fileOf(store, batch, second.file.id);
    assert.deepEqual(two.error, CORRUPT);
    assert.equal(two.result, null);
    assert.deepEqual((await fileOf(store, batch, third.file.id)).result, ['a', 2]);
  });

  test('updated_at moves on every change to the batch or its files', async (store) => {
    const { batch } = await seed(store, 2);
    let last = batch.updated_at.getTime();
    const moved = async (step: string): Promise<void> => {
      const now = (await summaryOf(store, batch)).updated_at.getTime();
      assert.ok(now > last, `updated_at moves on ${step}`);
      last = now;
      await sleep(5);
    };
    await sleep(5);
    const a = await mustClaim(store);
    await moved('claim');
    await store.queue.releaseFile(a.file.id, a.token, { delayMs: 0, error: null, refundAttempt: true });
    await moved('release');
    const b = await mustClaim(store);
    await moved('claim');
    await store.queue.finishFile(b.file.id, b.token, { status: 'completed', result: null });
    await moved('finish');
    await store.control.cancelBatch(batch.workspace_id, batch.id, CANCELLED);
    await moved('cancel');
  });
}

function isNewer(a: BatchRecord, b: BatchRecord): boolean {
  const at = a.created_at.getTime();
  const bt = b.created_at.getTime();
  return at > bt || (at === bt && a.id > b.id);
}
