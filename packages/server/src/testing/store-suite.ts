import { describe } from 'node:test';
import { analyticsCases } from './store-cases-analytics.js';
import { appendCases } from './store-cases-append.js';
import { batchCases } from './store-cases-batches.js';
import { cancelCases } from './store-cases-cancel.js';
import { holdCases } from './store-cases-hold.js';
import { outboxCases } from './store-cases-outbox.js';
import { pauseCases } from './store-cases-pause.js';
import { queueCases } from './store-cases-queue.js';
import { retryCases } from './store-cases-retry.js';
import { reviewCases } from './store-cases-review.js';
import { purgeCases } from './store-cases-purge.js';
import { retentionCases } from './store-cases-retention.js';
import { turnCases } from './store-cases-turns.js';
import { versionCases } from './store-cases-version.js';
import { storeTest, type MakeStoreStorage, type StoreTest } from './store-test.js';

// Each role's cases, by topic. A role's cases set their scene through the required roles
// (a queue case creates its batches through `records`), so every suite takes a whole store.

function recordsCases(test: StoreTest): void {
  void describe('batches', () => batchCases(test));
  void describe('version', () => versionCases(test));
}

function controlCases(test: StoreTest): void {
  void describe('cancel', () => cancelCases(test));
  void describe('pause and resume', () => pauseCases(test));
  void describe('retry', () => retryCases(test));
  void describe('append', () => appendCases(test));
  void describe('held open for appends', () => holdCases(test));
  void describe('review', () => reviewCases(test));
}

function fileQueueCases(test: StoreTest): void {
  void describe('queue', () => queueCases(test));
  void describe('workspaces take turns', () => turnCases(test));
}

function retentionRoleCases(test: StoreTest): void {
  void describe('retention', () => retentionCases(test));
  void describe('content purged with the bytes', () => purgeCases(test));
}

function outboxRoleCases(test: StoreTest): void {
  void describe('outbox', () => outboxCases(test));
}

function analyticsRoleCases(test: StoreTest): void {
  void describe('analytics', () => analyticsCases(test));
}

/** One role's suite, registered under `<name> conforms to <Role>`. */
function roleSuite(role: string, cases: (test: StoreTest) => void) {
  return (name: string, makeStorage: MakeStoreStorage): void => {
    void describe(`${name} conforms to ${role}`, () => cases(storeTest(makeStorage)));
  };
}

/** Registers the `BatchRecords` conformance tests (`store.records`). */
export const runBatchRecordsSuite = roleSuite('BatchRecords', recordsCases);
/** Registers the `BatchControl` conformance tests (`store.control`). */
export const runBatchControlSuite = roleSuite('BatchControl', controlCases);
/** Registers the `FileQueue` conformance tests (`store.queue`), including two stores sharing one storage, the claim order on the store's clock, and workspaces taking turns. */
export const runFileQueueSuite = roleSuite('FileQueue', fileQueueCases);
/** Registers the `Retention` conformance tests (`store.retention`). */
export const runRetentionSuite = roleSuite('Retention', retentionRoleCases);
/** Registers the `Outbox` conformance tests (`store.outbox`); they fail for a store without one. */
export const runOutboxSuite = roleSuite('Outbox', outboxRoleCases);
/** Registers the `Analytics` conformance tests (`store.analytics`); they fail for a store without them. */
export const runAnalyticsSuite = roleSuite('Analytics', analyticsRoleCases);

/**
 * Registers the conformance tests of every role of a `Store` with `node:test`: the
 * required roles always, the optional ones (`outbox`, `analytics`) where the store has
 * them (skipped, and said so, where it has not). A store is correct when it passes them.
 *
 * `makeStorage` is called once per test and must give storage of its own (a fresh file,
 * a fresh database): the queue is shared by everything on one storage, so tests could
 * otherwise claim each other's files. Its `open` is called once for the store a test
 * gets, and again for every further handle the test opens on the same storage (cases of
 * several processes sharing a queue), with `now` when the test sets the store's clock.
 * The suite calls `init()` and `close()` itself.
 * @example
 * runStoreConformanceSuite('MyStore', async () => {
 *   const db = `test_${randomUUID()}`;
 *   return { open: ({ now }) => new MyStore({ db, now }), cleanup: () => dropDatabase(db) };
 * });
 */
export function runStoreConformanceSuite(name: string, makeStorage: MakeStoreStorage): void {
  const test = storeTest(makeStorage);
  void describe(`${name} conforms to the Store contract`, () => {
    void describe('BatchRecords', () => recordsCases(test));
    void describe('BatchControl', () => controlCases(test));
    void describe('FileQueue', () => fileQueueCases(test));
    void describe('Retention', () => retentionRoleCases(test));
    void describe('Outbox (optional)', () => outboxRoleCases(storeTest(makeStorage, 'outbox')));
    void describe('Analytics (optional)', () => analyticsRoleCases(storeTest(makeStorage, 'analytics')));
  });
}
