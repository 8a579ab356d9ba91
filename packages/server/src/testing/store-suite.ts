import { describe } from 'node:test';
import type { Store } from '../store/store.js';
import { freshInstanceTest } from './fresh-instance.js';
import type { MakeInstance } from './fresh-instance.js';
import { analyticsCases } from './store-cases-analytics.js';
import { appendCases } from './store-cases-append.js';
import { batchCases } from './store-cases-batches.js';
import { holdCases } from './store-cases-hold.js';
import { pauseCases } from './store-cases-pause.js';
import { queueCases } from './store-cases-queue.js';
import { retryCases } from './store-cases-retry.js';
import { retentionCases } from './store-cases-retention.js';
import { versionCases } from './store-cases-version.js';
import { webhookCases } from './store-cases-webhooks.js';
import type { StoreTest } from './store-fixtures.js';

/** What a host hands the store suite: a store over empty storage, and how to remove that storage. */
export type MakeStore = MakeInstance<Store>;

/**
 * Registers the `Store` conformance tests with `node:test`. A store is correct when it passes them.
 *
 * `makeStore` is called once per test and must give a store over storage of its own (a
 * fresh file, a fresh database): the queue is shared by everything in one store, so tests
 * could otherwise claim each other's files. The suite calls `init()` and `close()` itself.
 * @example
 * runStoreConformanceSuite('MyStore', async () => {
 *   const db = `test_${randomUUID()}`;
 *   return { store: new MyStore({ db }), cleanup: () => dropDatabase(db) };
 * });
 */
export function runStoreConformanceSuite(name: string, makeStore: MakeStore): void {
  const test: StoreTest = freshInstanceTest(makeStore);

  void describe(`${name} conforms to the Store contract`, () => {
    void describe('batches', () => batchCases(test));
    void describe('queue', () => queueCases(test));
    void describe('pause and resume', () => pauseCases(test));
    void describe('retry', () => retryCases(test));
    void describe('append', () => appendCases(test));
    void describe('held open for appends', () => holdCases(test));
    void describe('retention', () => retentionCases(test));
    void describe('version', () => versionCases(test));
    void describe('webhook outbox', () => webhookCases(test));
    void describe('analytics', () => analyticsCases(test));
  });
}
