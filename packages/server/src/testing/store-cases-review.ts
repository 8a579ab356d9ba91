import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FileError } from '@batch-uploader/protocol';
import type { Store } from '../store/store.js';
import { mustClaim, newBatch, newFiles, seed, summaryOf } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

/** A reason a file is held for review, as the engine gives it. */
export const MISMATCH: FileError = { code: 'PATIENT_MISMATCH', message: 'This document names another patient: NHS number differs.' };

/** Claims the next file and completes it, held for review when `review` is given. */
async function complete(store: Store, review: FileError | null): Promise<string> {
  const held = await mustClaim(store);
  await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: { patient_check: { outcome: 'x' } }, review });
  return held.file.id;
}

/** Registers the cases about files held for review and staff's decisions. */
export function reviewCases(test: StoreTest): void {
  test('a completed file held for review is counted in needs_review until it is decided', async (store) => {
    const { batch } = await seed(store, 3);
    const flagged = await complete(store, MISMATCH);
    await complete(store, null);
    const read = await store.records.getBatch(batch.workspace_id, batch.id);
    assert.equal(read?.batch.needs_review, 1);
    assert.equal(read?.batch.counts.completed, 2, 'held files are completed files');
    assert.deepEqual(read?.files[0]?.review, { reason: MISMATCH, decision: null, decided_by: null, decided_at: null });
    assert.equal(read?.files[1]?.review, null);
    assert.equal((await summaryOf(store, batch)).needs_review, 1, 'the summary counts it too');
    const listed = await store.records.listBatches(batch.workspace_id, { limit: 5 });
    assert.equal(listed.find((b) => b.id === batch.id)?.needs_review, 1, 'and history');

    const version = await store.records.getBatchVersion(batch.workspace_id, batch.id);
    const decided = await store.control.reviewFile(batch.workspace_id, batch.id, flagged, { decision: 'confirmed', decided_by: 'user-7' });
    assert.equal(decided.outcome, 'reviewed');
    assert.ok(decided.outcome === 'reviewed');
    assert.equal(decided.file.review?.decision, 'confirmed');
    assert.equal(decided.file.review?.decided_by, 'user-7');
    assert.ok(decided.file.review?.decided_at instanceof Date);
    assert.equal(decided.file.status, 'completed');
    assert.equal((await summaryOf(store, batch)).needs_review, 0);
    assert.equal((await summaryOf(store, batch)).rejected_at_review, 0, 'a confirmed file is not counted as rejected');
    assert.ok((await store.records.getBatchVersion(batch.workspace_id, batch.id))! > version!, 'a decision moves the version');
  });

  test('a rejected file stays completed, with its decision, counted in rejected_at_review', async (store) => {
    const { batch } = await seed(store, 2);
    const flagged = await complete(store, MISMATCH);
    await complete(store, null);
    assert.equal((await summaryOf(store, batch)).rejected_at_review, 0, 'not before the decision');
    const decided = await store.control.reviewFile(batch.workspace_id, batch.id, flagged, { decision: 'rejected', decided_by: 'user-1' });
    assert.ok(decided.outcome === 'reviewed');
    assert.equal(decided.file.review?.decision, 'rejected');
    const read = await store.records.getBatch(batch.workspace_id, batch.id);
    assert.equal(read?.files[0]?.status, 'completed');
    assert.equal(read?.batch.needs_review, 0);
    assert.equal(read?.batch.rejected_at_review, 1);
    assert.equal(read?.batch.counts.completed, 2, 'a rejected file is a completed file');
    assert.equal((await summaryOf(store, batch)).rejected_at_review, 1, 'the summary counts it too');
    const listed = await store.records.listBatches(batch.workspace_id, { limit: 5 });
    assert.equal(listed.find((b) => b.id === batch.id)?.rejected_at_review, 1, 'and history');
  });

  test('the first decision stands: the same again answers it, the other is refused', async (store) => {
    const { batch } = await seed(store, 1);
    const flagged = await complete(store, MISMATCH);
    await store.control.reviewFile(batch.workspace_id, batch.id, flagged, { decision: 'confirmed', decided_by: 'user-1' });
    const again = await store.control.reviewFile(batch.workspace_id, batch.id, flagged, { decision: 'confirmed', decided_by: 'user-2' });
    assert.ok(again.outcome === 'reviewed');
    assert.equal(again.file.review?.decided_by, 'user-1', 'who decided first is kept');
    assert.deepEqual(await store.control.reviewFile(batch.workspace_id, batch.id, flagged, { decision: 'rejected', decided_by: 'user-2' }), {
      outcome: 'already_decided',
      decision: 'confirmed',
    });
  });

  test('of two different decisions at once, one is recorded and the other refused', async (store) => {
    const { batch } = await seed(store, 1);
    const flagged = await complete(store, MISMATCH);
    const results = await Promise.all([
      store.control.reviewFile(batch.workspace_id, batch.id, flagged, { decision: 'confirmed', decided_by: 'a' }),
      store.control.reviewFile(batch.workspace_id, batch.id, flagged, { decision: 'rejected', decided_by: 'b' }),
    ]);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['already_decided', 'reviewed']);
  });

  test('files never held, unknown files and other workspaces are told apart', async (store) => {
    const { batch } = await seed(store, 2);
    const plain = await complete(store, null);
    const pending = (await store.records.getBatch(batch.workspace_id, batch.id))!.files[1]!.id;
    const decide = (ws: string, batchId: string, fileId: string) => store.control.reviewFile(ws, batchId, fileId, { decision: 'confirmed', decided_by: 'u' });
    assert.deepEqual(await decide(batch.workspace_id, batch.id, plain), { outcome: 'nothing_to_review' });
    assert.deepEqual(await decide(batch.workspace_id, batch.id, pending), { outcome: 'nothing_to_review' });
    assert.deepEqual(await decide(batch.workspace_id, batch.id, randomUUID()), { outcome: 'file_not_found' });
    assert.deepEqual(await decide('another-workspace', batch.id, plain), { outcome: 'not_found' });
    const other = await store.records.createBatch(newBatch({ workspace_id: batch.workspace_id }), newFiles(1));
    assert.deepEqual(await decide(batch.workspace_id, other.id, plain), { outcome: 'file_not_found' }, 'a file of another batch');
  });
}
