import assert from 'node:assert/strict';
import type { BatchRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { fileOf, mustClaim, newBatch, newFiles, rejectedFile, seed, sleep } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

const MINUTE = 60_000;

/** Registers the cases about retention: purging file bytes and deleting old batches. */
export function retentionCases(test: StoreTest): void {
  test('purgeable blobs appear only after the batch finished and olderThanMs passed; marked ones disappear', async (store) => {
    const files = [...newFiles(2), rejectedFile(2)];
    const batch = await store.records.createBatch(newBatch(), files);
    await sleep(5);
    // Claimed after `batch` (same workspace, lower priority); it stays open.
    const open = await seed(store, 1, { priority: 'low', workspace_id: batch.workspace_id });
    const purgeable = (olderThanMs: number, limit = 100): Promise<{ file_id: string; blob_key: string }[]> =>
      store.retention.listPurgeableBlobs({ olderThanMs, limit });

    assert.deepEqual(await purgeable(0), [], 'an open batch keeps its bytes');
    await finishAll(store, 2);
    await mustClaim(store);
    assert.deepEqual(await purgeable(MINUTE), [], 'the grace period has not passed');

    await sleep(40);
    const listed = await purgeable(10);
    assert.deepEqual(
      sortByKey(listed),
      sortByKey(files.slice(0, 2).map((f) => ({ file_id: f.id, blob_key: f.blob_key! }))),
      'files without kept bytes and files of open batches are not listed',
    );
    assert.equal((await purgeable(10, 1)).length, 1, 'limit is honoured');
    assert.ok(!listed.some((l) => open.files.some((f) => f.id === l.file_id)));

    await store.retention.markBlobsPurged([files[0]!.id]);
    assert.deepEqual(await purgeable(10), [{ file_id: files[1]!.id, blob_key: files[1]!.blob_key! }]);
    assert.ok((await fileOf(store, batch, files[0]!.id)).blob_purged_at instanceof Date);
    assert.equal((await fileOf(store, batch, files[1]!.id)).blob_purged_at, null);

    await store.retention.markBlobsPurged([files[1]!.id]);
    await store.retention.markBlobsPurged([]);
    assert.deepEqual(await purgeable(10), []);
  });

  test('deleteFinishedBatches removes only finished batches with purged bytes', async (store) => {
    const purged = await seed(store, 1);
    const kept = await seed(store, 1);
    await finishAll(store, 2);
    const noBytes = await store.records.createBatch(newBatch(), [rejectedFile(0)]);
    const open = await seed(store, 1);
    await store.retention.markBlobsPurged(purged.files.map((f) => f.id));
    await sleep(40);

    assert.equal(await store.retention.deleteFinishedBatches({ olderThanMs: MINUTE }), 0, 'too recent');
    assert.equal(await store.retention.deleteFinishedBatches({ olderThanMs: 10 }), 2);
    assert.equal(await exists(store, purged.batch), false);
    assert.equal(await exists(store, noBytes), false);
    assert.equal(await exists(store, kept.batch), true, 'its bytes are still kept');
    assert.equal(await exists(store, open.batch), true, 'it has not finished');
    assert.equal((await store.records.getBatch(kept.batch.workspace_id, kept.batch.id))?.files.length, 1);
    assert.deepEqual(await store.records.listBatches(purged.batch.workspace_id, { limit: 10 }), []);
    assert.equal(await store.retention.deleteFinishedBatches({ olderThanMs: 10 }), 0, 'nothing more to delete');
  });
}

async function finishAll(store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const held = await mustClaim(store);
    await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: { i } });
  }
}

async function exists(store: Store, batch: BatchRecord): Promise<boolean> {
  return (await store.records.getBatchSummary(batch.workspace_id, batch.id)) !== null;
}

function sortByKey<T extends { blob_key: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.blob_key.localeCompare(b.blob_key));
}
