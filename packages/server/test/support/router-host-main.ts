/**
 * A host app as a separate process: the router mounted at `/api` of an Express app
 * (whichever `express` this process resolves: run with `--import` of
 * `use-express4.ts` for Express 4), on a SQLite store in a temporary folder, with an
 * engine that finishes every file at once. The caller's workspace comes from the
 * `x-workspace` header; `x-fail-auth: 1` makes authentication reject, as a host's
 * session store that is down would. Prints one JSON line `{"api", "express"}` once
 * listening, and stops on SIGTERM.
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { BatchEngine, LocalBlobStore, createBatchRouter } from '../../src/index.js';
import { SqliteStore } from '../../src/stores/sqlite/index.js';

const dir = await mkdtemp(join(tmpdir(), 'router-host-'));
const store = new SqliteStore({ path: join(dir, 'batches.sqlite') });
const blobs = new LocalBlobStore({ dir: join(dir, 'files') });
await store.init();
await blobs.init();
const engine = new BatchEngine({ store, blobs, processor: async (file) => ({ bytes: file.size }), pollIntervalMs: 20 });
await engine.start();

const app = express();
app.use(
  '/api',
  createBatchRouter({
    engine,
    uploadDir: join(dir, 'uploads'),
    authenticate: async ({ req }) => {
      if (req.get('x-fail-auth') === '1') throw new Error('the session store cannot be reached');
      const workspace = req.get('x-workspace');
      return workspace ? { workspace_id: workspace } : null;
    },
  }),
);
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const manifest = JSON.parse(await readFile(new URL('package.json', import.meta.resolve('express')), 'utf8')) as { version: string };
console.log(JSON.stringify({ api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, express: manifest.version }));

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void engine
    .close()
    .then(() => Promise.all([store.close(), blobs.close()]))
    .then(() => rm(dir, { recursive: true, force: true }))
    .then(() => process.exit(0));
});
