import assert from 'node:assert/strict';
import type { NewFile } from '../store/records.js';
import type { Store } from '../store/store.js';
import { mustClaim, newBatch, newFiles, seed, sleep } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

/** Claims one file and finishes it at once (one worker); returns its workspace. */
async function claimAndFinish(store: Store): Promise<string> {
  const held = await mustClaim(store);
  await store.queue.finishFile(held.file.id, held.token, { status: 'completed', result: null });
  return held.batch.workspace_id;
}

/** Registers the cases about workspaces taking turns in the queue. */
export function turnCases(test: StoreTest): void {
  test("a workspace's file is claimed before another workspace's ten queued files have run", async (store) => {
    // Ten single-file batches, as a scanning station sends them, all older than B's.
    for (let i = 0; i < 10; i++) await seed(store, 1, { workspace_id: 'clinic-a' });
    await sleep(5);
    await seed(store, 1, { workspace_id: 'clinic-b' });

    const order: string[] = [];
    for (let i = 0; i < 11; i++) order.push(await claimAndFinish(store));
    assert.equal(order[0], 'clinic-a', 'the oldest work goes first');
    assert.equal(order[1], 'clinic-b', "B's file is next, not after A's ten");
    assert.equal(await store.queue.claimFile({ owner: 'w', leaseMs: 60_000 }), null);
  });

  test('workspaces with queued files take turns: three in rotation', async (store) => {
    await seed(store, 4, { workspace_id: 'clinic-a' });
    await sleep(5);
    await seed(store, 2, { workspace_id: 'clinic-b' });
    await seed(store, 2, { workspace_id: 'clinic-b' });
    await sleep(5);
    await seed(store, 4, { workspace_id: 'clinic-c', priority: 'low' });

    const order: string[] = [];
    for (let i = 0; i < 12; i++) order.push(await claimAndFinish(store));
    assert.deepEqual(order.slice(0, 3), ['clinic-a', 'clinic-b', 'clinic-c'], 'first by claim order, then each in turn');
    for (let round = 0; round < 4; round++) {
      assert.deepEqual(order.slice(round * 3, round * 3 + 3), ['clinic-a', 'clinic-b', 'clinic-c'], `round ${round + 1}: ${order.join(' ')}`);
    }
  });

  test('the workspace with the fewest files processing gets the next claim', async (store) => {
    await seed(store, 5, { workspace_id: 'clinic-a' });
    await sleep(5);
    await seed(store, 5, { workspace_id: 'clinic-b' });
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await mustClaim(store));
    assert.deepEqual(
      held.map((h) => h.batch.workspace_id),
      ['clinic-a', 'clinic-b', 'clinic-a', 'clinic-b'],
      'claims alternate while both hold files',
    );

    await seed(store, 1, { workspace_id: 'clinic-c' });
    assert.equal((await mustClaim(store)).batch.workspace_id, 'clinic-c', 'a workspace with nothing processing goes first');

    // B's last claim is more recent than A's, but B now holds fewer files.
    const bFile = held.find((h) => h.batch.workspace_id === 'clinic-b')!;
    await store.queue.finishFile(bFile.file.id, bFile.token, { status: 'completed', result: null });
    assert.equal((await mustClaim(store)).batch.workspace_id, 'clinic-b');
  });

  test('within a workspace, priority then age order the claims as before', async (store) => {
    const create = async (priority: 'high' | 'normal' | 'low'): Promise<NewFile> => {
      const files = newFiles(1);
      await store.records.createBatch(newBatch({ priority, workspace_id: 'clinic-a' }), files);
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
  });

  test("a workspace's batches keep sharing its turns as before: a long batch lets a newer one in", async (store) => {
    const long = await seed(store, 10, { workspace_id: 'clinic-a' });
    await sleep(5);
    const short = await seed(store, 2, { workspace_id: 'clinic-a' });
    await sleep(5);
    await seed(store, 10, { workspace_id: 'clinic-b' });
    const order: string[] = [];
    for (let i = 0; i < 8; i++) order.push((await mustClaim(store)).batch.id);
    assert.equal(order[0], long.batch.id);
    assert.ok(order.includes(short.batch.id), 'the younger batch of the same workspace advances');
  });

  test('stores sharing one storage share the turns', async (a, handles) => {
    const b = await handles.open();
    for (let i = 0; i < 4; i++) await seed(a, 1, { workspace_id: 'clinic-a' });
    await sleep(5);
    await seed(b, 4, { workspace_id: 'clinic-b' });
    const order: string[] = [];
    for (let i = 0; i < 8; i++) order.push(await claimAndFinish(i % 2 === 0 ? a : b));
    assert.deepEqual(order, ['clinic-a', 'clinic-b', 'clinic-a', 'clinic-b', 'clinic-a', 'clinic-b', 'clinic-a', 'clinic-b']);
  });
}
