import { join } from 'node:path';
import { LocalBlobStore, type BlobStore, type Store } from '@batch-uploader/server';
import { SqliteStore } from '@batch-uploader/server/sqlite';
import type { Scope } from './cleanup.js';
import type { Target } from './figure.js';
import { makeTempDir } from './temp-dir.js';

/** A store and a blob store opened together (init() done), for one queue run. */
export interface QueueStores {
  store: Store;
  blobs: BlobStore;
  /** Closes both and removes whatever they kept. */
  close(): Promise<void>;
}

/**
 * Opens fresh, empty stores for one run; what it creates on disk or in a database is
 * released by `close()` or, failing that, by `scope`.
 */
export type QueueStoreFactory = (scope: Scope) => Promise<QueueStores>;

/** A store variant of the queue benchmark: its results.json key suffix and factory. */
export interface QueueStoreVariant {
  /** e.g. "embedded" → `queue_files_per_second_embedded`. */
  name: string;
  /** How it is set up, for the table. */
  description: string;
  open: QueueStoreFactory;
  /** Goal and floor of its files/s at concurrency 3, when the issue sets them. */
  target?: Target;
  /** Files, batches and rounds when the variant cannot take the figure's full workload in reasonable time. */
  workload?: { files: number; batches: number; maxRounds: number };
}

/** The embedded default: SqliteStore on a temporary file and LocalBlobStore in a temporary folder. */
export const embeddedStores: QueueStoreVariant = {
  name: 'embedded',
  description: 'SqliteStore (temp file) + LocalBlobStore',
  target: { goal: 1_000, floor: 200, better: 'higher' },
  async open(scope) {
    const dir = await makeTempDir(scope, 'queue');
    const store = new SqliteStore({ path: join(dir, 'batches.sqlite') });
    const blobs = new LocalBlobStore({ dir: join(dir, 'files') });
    await store.init();
    await blobs.init();
    return {
      store,
      blobs,
      async close() {
        await blobs.close();
        await store.close();
      },
    };
  },
};
