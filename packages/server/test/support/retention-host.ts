import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import type { Batch, BatchStatusResponse } from '@batch-uploader/protocol';
import { freshDbName, type MongoTarget } from '@batch-uploader/test-support/mongo-target';
import { BatchEngine, LocalBlobStore, createBatchRouter, type BatchEngineOptions, type Store } from '../../src/index.js';
import { MongoClient, MongoStore } from '../../src/stores/mongodb/index.js';
import { SqliteStore } from '../../src/stores/sqlite/index.js';

/** A host app of the retention tests, listening. */
export interface RetentionHost {
  api: string;
  engine: BatchEngine;
  close(): Promise<void>;
}

/**
 * A host app: the store, local blobs under `scratch`, an engine whose bytes expire at once
 * (retention runs when the test sweeps), the router on a port, every caller of `caller`.
 */
export async function startRetentionHost(
  store: Store,
  scratch: string,
  engine: Pick<BatchEngineOptions, 'processor' | 'resolvePatient'>,
  caller: { workspace_id: string; user_id?: string },
): Promise<RetentionHost> {
  await store.init();
  const dir = await mkdtemp(join(scratch, 'host-'));
  const blobs = new LocalBlobStore({ dir: join(dir, 'blobs') });
  await blobs.init();
  const batches = new BatchEngine({ store, blobs, ...engine, pollIntervalMs: 20, retention: { blobsAfterMs: 0 } });
  await batches.start();
  const app = express();
  app.use('/api', createBatchRouter({ engine: batches, authenticate: () => caller, uploadDir: join(dir, 'uploads') }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    engine: batches,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await batches.close();
      await store.close();
      await blobs.close();
    },
  };
}

/** The status answer's text, ETag and code. */
export async function statusOf(api: string, batchId: string, etag?: string): Promise<{ code: number; etag: string | null; text: string }> {
  const res = await fetch(`${api}/batch-status/${batchId}`, { headers: etag ? { 'if-none-match': etag } : {} });
  return { code: res.status, etag: res.headers.get('etag'), text: await res.text() };
}

/** Polls the status until the batch finished. */
export async function finishedBatch(api: string, batchId: string): Promise<Batch> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const batch = (JSON.parse((await statusOf(api, batchId)).text) as BatchStatusResponse).batch;
    if (batch.finished_at) return batch;
    if (Date.now() > deadline) throw new Error('the batch did not finish');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The stores retention is tested on: a SQLite file under `scratch`, and MongoDB (a fresh database of `mongo`). */
export function retentionBackends(
  scratch: string,
  mongo: MongoTarget,
  dbPrefix: string,
): { name: string; open: () => { store: Store; cleanup: () => Promise<void> } }[] {
  return [
    { name: 'a SQLite file', open: () => ({ store: new SqliteStore({ path: join(scratch, `${randomUUID()}.sqlite`) }), cleanup: async () => {} }) },
    {
      name: `MongoDB (${mongo.kind})`,
      open() {
        const dbName = freshDbName(dbPrefix);
        const uri = mongo.uriFor(dbName);
        return {
          store: new MongoStore({ uri }),
          async cleanup() {
            const client = new MongoClient(uri);
            await client
              .db(dbName)
              .dropDatabase()
              .finally(() => client.close());
          },
        };
      },
    },
  ];
}
