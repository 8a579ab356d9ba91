import { it } from 'node:test';
import type { Store } from '../store/store.js';

/** How the suites open a handle on a test's storage. */
export interface StoreHandleOptions {
  /**
   * The store's clock, in epoch milliseconds, to test time-dependent rules (claim order
   * over minutes) without waiting; absent: the store's own clock.
   */
  now?: () => number;
}

/**
 * Empty storage of one test (a fresh file, a fresh database), and how to open stores on
 * it. Every handle `open` gives works on the same records, as processes sharing them do.
 */
export interface StoreStorage {
  /** A new, not yet initialised store on this storage; the suite calls `init()` and `close()`. */
  open(options: StoreHandleOptions): Store;
  /** Removes the storage; called after every handle was closed, even when the test failed. */
  cleanup(): Promise<void>;
}

/** What a host hands the store suites: fresh storage for each test. */
export type MakeStoreStorage = () => Promise<StoreStorage>;

/** More handles on the storage of the test that runs: initialised when given, closed after the test. */
export interface StoreHandles {
  open(options?: StoreHandleOptions): Promise<Store>;
}

/** Registers one test that gets a fresh, initialised store (and can open more on its storage). */
export type StoreTest = (title: string, fn: (store: Store, handles: StoreHandles) => Promise<void>) => void;

/** An optional role of a store, by the name of its property. */
export type OptionalRole = 'outbox' | 'analytics';

/**
 * Gives a `test` function that runs each body against a store on fresh storage from
 * `make`, initialised first; every handle is closed afterwards and the storage removed,
 * even when the body or a `close()` throws — so one failing test never leaves state that
 * a later test could see.
 *
 * With `skipWithout`, a test of a store that lacks that optional role is skipped, not
 * failed: the whole-store suite checks a capability only where a store offers it.
 */
export function storeTest(make: MakeStoreStorage, skipWithout?: OptionalRole): StoreTest {
  return (title, fn) => {
    void it(title, async (t) => {
      const storage = await make();
      const opened: Store[] = [];
      const handles: StoreHandles = {
        async open(options = {}) {
          const store = storage.open(options);
          opened.push(store);
          await store.init();
          return store;
        },
      };
      try {
        const store = await handles.open();
        if (skipWithout && !store[skipWithout]) {
          t.skip(`the store has no ${skipWithout}`);
          return;
        }
        await fn(store, handles);
      } finally {
        try {
          await closeAll(opened);
        } finally {
          await storage.cleanup();
        }
      }
    });
  };
}

async function closeAll(stores: Store[]): Promise<void> {
  const results = await Promise.allSettled(stores.map((store) => store.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
