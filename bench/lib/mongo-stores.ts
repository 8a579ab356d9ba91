import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withDatabase } from '@batch-uploader/test-support/mongo-target';
import { startChildServer } from './child-server.js';
import { childEnv } from './servers.js';
import type { Scope } from './cleanup.js';
import type { QueueStoreVariant } from './queue-stores.js';
import { makeTempDir } from './temp-dir.js';

const MONGO_SOURCE = fileURLToPath(new URL('../../packages/server/src/stores/mongodb/index.ts', import.meta.url));

/**
 * The MongoDB store variant of the queue benchmark, or null when the MongoDB store is not
 * part of the product. It runs against `MONGODB_URI` when set (a real mongod), else
 * against the repository's wire-protocol test server in a child process, which lives
 * until `scope` closes. Every run gets a database of its own, dropped afterwards.
 *
 * The test server keeps collections in memory and evaluates queries with mingo by
 * scanning, one command at a time: its cost grows with the number of documents, so
 * there a run takes `testServerWorkload` (the full 2,000 files would take minutes), and
 * the files/s figure says more about the test server than about the store; the bench's
 * own CPU time per file (engine, store, driver) is the store's part.
 */
export async function mongoStores(scope: Scope, testServerWorkload: { files: number; batches: number; maxRounds: number }): Promise<QueueStoreVariant | null> {
  if (!existsSync(MONGO_SOURCE)) return null;
  const { CLIENT_DEFAULTS, GridFsBlobStore, MongoClient, MongoStore } = await import('@batch-uploader/server/mongodb');
  const external = process.env.MONGODB_URI?.trim();
  let uri = external;
  if (!uri) {
    const logDir = await makeTempDir(scope, 'mongo-wire');
    const entry = fileURLToPath(new URL('../support/mongo-wire-server.ts', import.meta.url));
    const server = await startChildServer(scope, {
      name: 'mongo-wire-server',
      args: ['--import', 'tsx', entry],
      env: childEnv({}),
      logDir,
    });
    uri = server.api;
  }
  const target = uri;
  return {
    name: 'mongo',
    description: external ? 'MongoStore + GridFsBlobStore on MONGODB_URI' : 'MongoStore + GridFsBlobStore on the wire TEST server',
    ...(external ? {} : { workload: testServerWorkload }),
    async open() {
      const dbName = `bench_queue_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      const client = new MongoClient(withDatabase(target, dbName), { ...CLIENT_DEFAULTS, serverSelectionTimeoutMS: 10_000 });
      try {
        await client.connect();
        const store = new MongoStore({ client, dbName });
        const blobs = new GridFsBlobStore({ client, dbName });
        await store.init();
        await blobs.init();
        return {
          store,
          blobs,
          async close() {
            try {
              await blobs.close();
              await store.close();
              await client.db(dbName).dropDatabase();
            } finally {
              await client.close();
            }
          },
        };
      } catch (error) {
        await client.close().catch(() => undefined);
        throw error;
      }
    },
  };
}
