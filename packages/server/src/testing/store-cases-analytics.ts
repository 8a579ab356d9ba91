import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Analytics } from '../store/analytics.js';
import type { Store } from '../store/store.js';
import { CORRUPT, WORKER_LOST, mustClaim, newBatch, newFiles, rejectedFile, sleep } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';
import { MISMATCH } from './store-cases-review.js';

const DAY = 86_400_000;

/** From a day ago to a minute ahead: the store's "now" is inside, whatever its clock. */
function around(): { since: Date; until: Date } {
  return { since: new Date(Date.now() - DAY), until: new Date(Date.now() + 60_000) };
}

/** The store's analytics; the test fails when it has none. */
function analyticsOf(store: Store): Analytics {
  assert.ok(store.analytics, 'the store has analytics');
  return store.analytics;
}

/** Claims the next file, waits `ms`, and ends it as given. */
async function run(store: Store, ms: number, outcome: 'completed' | 'failed', error = CORRUPT): Promise<void> {
  const held = await mustClaim(store);
  await sleep(ms);
  await store.queue.finishFile(held.file.id, held.token, outcome === 'completed' ? { status: 'completed', result: null } : { status: 'failed', error });
}

/** Registers the cases about a workspace's analytics. */
export function analyticsCases(test: StoreTest): void {
  test('a workspace without batches has empty analytics, every day of the range listed', async (store) => {
    const range = around();
    const analytics = await analyticsOf(store).getAnalytics(`ws-${randomUUID()}`, range);
    assert.ok(analytics.days.length === 2 || analytics.days.length === 3);
    assert.ok(analytics.days.every((d) => d.batches === 0 && d.files === 0));
    assert.deepEqual(analytics.totals, { batches: 0, files: 0, pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 });
    assert.equal(analytics.success_rate, null);
    assert.deepEqual(analytics.processing_time_ms, { p50: null, p95: null, samples: 0 });
    assert.deepEqual(analytics.top_failures, []);
  });

  test('counts batches and files per day, the success rate, percentiles and top failures of one workspace', async (store) => {
    const ws = `ws-${randomUUID()}`;
    const first = await store.records.createBatch(newBatch({ workspace_id: ws }), newFiles(5));
    // Durations of about 10, 60 and 120 ms, then two failures.
    await run(store, 10, 'completed');
    await run(store, 60, 'completed');
    await run(store, 120, 'completed');
    await run(store, 0, 'failed');
    await run(store, 0, 'failed', WORKER_LOST);
    await store.records.createBatch(newBatch({ workspace_id: ws }), [rejectedFile(0), ...newFiles(1).map((f) => ({ ...f, position: 1 }))]);
    await run(store, 0, 'failed');
    // Another workspace's batch is never counted.
    await store.records.createBatch(newBatch(), newFiles(3));

    const analytics = await analyticsOf(store).getAnalytics(ws, around());
    assert.deepEqual(analytics.totals, { batches: 2, files: 7, pending: 0, processing: 0, completed: 3, failed: 4, cancelled: 0 });
    assert.equal(analytics.success_rate, 0.4286, 'completed ÷ (completed + failed), 4 decimals');
    assert.deepEqual(analytics.top_failures, [
      { code: 'CORRUPT_FILE', count: 2 },
      { code: 'UNSUPPORTED_TYPE', count: 1 },
      { code: 'WORKER_LOST', count: 1 },
    ]);
    const { p50, p95, samples } = analytics.processing_time_ms;
    assert.equal(samples, 3);
    assert.ok(p50 !== null && p50 >= 55 && p50 < 120, `p50 is the middle duration (${p50})`);
    assert.ok(p95 !== null && p95 >= 115, `p95 is the longest of three (${p95})`);

    const today = analytics.days.find((d) => d.date === first.created_at.toISOString().slice(0, 10));
    assert.deepEqual(today, { date: today?.date, batches: 2, files: 7, completed: 3, failed: 4, cancelled: 0 });
    const sum = analytics.days.reduce((n, d) => n + d.files, 0);
    assert.equal(sum, 7, 'every file is in exactly one day');
    assert.deepEqual(
      analytics.days.map((d) => d.date),
      [...analytics.days.map((d) => d.date)].sort(),
      'oldest day first',
    );
  });

  test('only batches and files created in the range count', async (store) => {
    const ws = `ws-${randomUUID()}`;
    await store.records.createBatch(newBatch({ workspace_id: ws }), newFiles(2));
    const later = { since: new Date(Date.now() + 2 * DAY), until: new Date(Date.now() + 3 * DAY) };
    const analytics = await analyticsOf(store).getAnalytics(ws, later);
    assert.equal(analytics.totals.batches, 0);
    assert.equal(analytics.totals.files, 0);
    assert.ok(analytics.days.every((d) => d.date >= later.since.toISOString().slice(0, 10)));
  });

  test('lists files held for review by reason: waiting, confirmed and rejected', async (store) => {
    const ws = `ws-${randomUUID()}`;
    const batch = await store.records.createBatch(newBatch({ workspace_id: ws }), newFiles(4));
    const held: string[] = [];
    for (const review of [MISMATCH, MISMATCH, MISMATCH, null]) {
      const claimed = await mustClaim(store);
      await store.queue.finishFile(claimed.file.id, claimed.token, { status: 'completed', result: {}, review });
      held.push(claimed.file.id);
    }
    await store.control.reviewFile(ws, batch.id, held[0]!, { decision: 'confirmed', decided_by: 'u' });
    await store.control.reviewFile(ws, batch.id, held[1]!, { decision: 'rejected', decided_by: 'u' });
    const analytics = await analyticsOf(store).getAnalytics(ws, around());
    assert.deepEqual(analytics.reviews, [{ code: 'PATIENT_MISMATCH', awaiting: 1, confirmed: 1, rejected: 1 }]);
    assert.equal(analytics.totals.completed, 4);
  });
}
