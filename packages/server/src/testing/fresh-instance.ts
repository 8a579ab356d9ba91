import { it } from 'node:test';

/** Anything with an explicit lifecycle, such as the blob stores the blob-store suite checks. */
export interface Lifecycle {
  init(): Promise<void>;
  close(): Promise<void>;
}

/** What a host hands a conformance suite: an instance over empty storage, and how to remove that storage. */
export type MakeInstance<T extends Lifecycle> = () => Promise<{ store: T; cleanup: () => Promise<void> }>;

/** Registers one test that gets a fresh, initialised instance. */
export type InstanceTest<T> = (title: string, fn: (store: T) => Promise<void>) => void;

/**
 * Gives a `test` function that runs each body against a fresh instance from `make`,
 * initialised first and closed afterwards, and removes its storage even when the body or
 * `close()` throws — so one failing test never leaves state that a later test could see.
 */
export function freshInstanceTest<T extends Lifecycle>(make: MakeInstance<T>): InstanceTest<T> {
  return (title, fn) => {
    void it(title, async () => {
      const { store, cleanup } = await make();
      try {
        await store.init();
        await fn(store);
      } finally {
        try {
          await store.close();
        } finally {
          await cleanup();
        }
      }
    });
  };
}
