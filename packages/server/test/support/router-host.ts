import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { BatchEngine, LocalBlobStore, createBatchRouter, type BatchRouterOptions, type Processor } from '../../src/index.js';
import { SqliteStore } from '../../src/stores/sqlite/index.js';

/** A host app serving the router, as `startRouterHost` started it. */
export interface RouterHost {
  /** The API's base URL (the router is mounted at `/api`). */
  api: string;
  /** The host's origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** The Express major this process loaded (4 with `use-express4.ts`). */
  expressMajor: number;
  close(): Promise<void>;
}

/**
 * The router mounted at `/api` of an Express app (whichever `express` this process
 * resolves), listening on a free port, on a SQLite store in a temporary folder, with an
 * engine that finishes every file at once (or runs `engineOptions.processor`). Without an `authenticate` option, the
 * caller's workspace comes from the `x-workspace` header (the host's own authentication,
 * reduced to its result).
 */
export async function startRouterHost(
  options: Partial<Omit<BatchRouterOptions, 'engine' | 'uploadDir'>> = {},
  engineOptions: { processor?: Processor; appendHoldMs?: number } = {},
): Promise<RouterHost> {
  const dir = await mkdtemp(join(tmpdir(), 'router-host-'));
  const store = new SqliteStore({ path: join(dir, 'batches.sqlite') });
  const blobs = new LocalBlobStore({ dir: join(dir, 'files') });
  await store.init();
  await blobs.init();
  const engine = new BatchEngine({
    store,
    blobs,
    processor: engineOptions.processor ?? (async (file) => ({ bytes: file.size })),
    pollIntervalMs: 20,
    ...(engineOptions.appendHoldMs ? { appendHoldMs: engineOptions.appendHoldMs } : {}),
  });
  await engine.start();
  const app = express();
  app.use(
    '/api',
    createBatchRouter({
      authenticate: ({ req }) => {
        const workspace = req.get('x-workspace');
        return workspace ? { workspace_id: workspace } : null;
      },
      ...options,
      engine,
      uploadDir: join(dir, 'uploads'),
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const expressUrl = import.meta.resolve('express');
  return {
    api: `${origin}/api`,
    origin,
    expressMajor: /\/express4\//.test(expressUrl) ? 4 : 5,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await engine.close();
      await Promise.all([store.close(), blobs.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
