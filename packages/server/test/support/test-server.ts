import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import compression from 'compression';
import express from 'express';
import {
  BatchEngine,
  LocalBlobStore,
  createBatchRouter,
  createHttpProcessor,
  type Authenticate,
  silentLogger,
  type BlobStore,
  type Logger,
  type Processor,
  type ResolvePatient,
  type Store,
} from '../../src/index.js';
import { createInspectProcessor } from '../../src/processors/inspect/index.js';
import { createDocumentsProcessor } from '../../src/processors/documents/index.js';
import { SqliteStore } from '../../src/stores/sqlite/index.js';

/** The settings a router test varies; each defaults to what a host gets out of the box. */
export interface TestServerOptions {
  /** Records, file bytes and uploads under this folder, kept after `close` (default: a temporary one, removed). */
  dataDir: string;
  /** Records and bytes in this MongoDB (GridFS) instead of SQLite and a folder. */
  mongodbUri: string | null;
  /** How long a SQLite write waits for a lock another process holds (the store's `busyTimeoutMs`). */
  sqliteBusyTimeoutMs: number;
  /** How often unfinished resumable uploads are swept (`resumable.sweepIntervalMs`); null: the default. */
  resumableSweepMs: number | null;
  /** Bearer token → workspace; null lets every caller into the workspace `dev`. */
  apiTokens: Map<string, string> | null;
  /** A cookie that may carry the token when no Authorization header is sent. */
  authCookie: string | null;
  corsOrigins: string[];
  corsCredentials: boolean;
  maxFiles: number;
  maxFileSizeMb: number;
  /** Uploads per workspace a minute; 0 turns the limit off. */
  uploadRateLimit: number;
  heartbeatMs: number;
  concurrency: number;
  processingDelayMs: number;
  leaseMs: number;
  appendHoldSeconds: number;
  retentionHours: number;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** Files go to this HTTP processing service instead of the built-in processor. */
  processorUrl: string | null;
  /** The built-in processor: the inspector (checks only, the default here) or the documents processor (text, type, fields). */
  builtInProcessor: 'inspect' | 'documents';
  processorTimeoutMs: number;
  /** Files go to this processor instead (the pluggable interface, as a host passes its own). */
  processor: Processor | null;
  /** The wrong-patient guard's lookup of a batch's patient. */
  resolvePatient: ResolvePatient | null;
  /** Where the engine and the router log. */
  logger: Logger;
}

const DEFAULTS: Omit<TestServerOptions, 'dataDir'> = {
  mongodbUri: null,
  sqliteBusyTimeoutMs: 5000,
  resumableSweepMs: null,
  apiTokens: null,
  authCookie: null,
  corsOrigins: [],
  corsCredentials: false,
  maxFiles: 50,
  maxFileSizeMb: 50,
  uploadRateLimit: 60,
  heartbeatMs: 15_000,
  concurrency: 3,
  processingDelayMs: 0,
  leaseMs: 2_000,
  appendHoldSeconds: 600,
  retentionHours: 24,
  webhookUrl: null,
  webhookSecret: null,
  processorUrl: null,
  builtInProcessor: 'inspect',
  processorTimeoutMs: 60_000,
  processor: null,
  resolvePatient: null,
  logger: silentLogger,
};

/** A router test's server: the API at `api`, its data under `dataDir`. */
export interface TestServer {
  /** The host's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The API's base URL (the router is mounted at `/api/gp`). */
  api: string;
  dataDir: string;
  /** Closes every connection at once, as a crash would, then what `close` closes. */
  closeAllConnections(): void;
  /** Stops the server and the engine, closes the stores, and removes a temporary data folder. */
  close(): Promise<void>;
}

/**
 * The router and engine of this package in this process, in an Express app with
 * compression (as hosts put in front of it), listening on a free port: real HTTP, real
 * SQLite (or MongoDB), the built-in document inspector, no stubs.
 */
export async function startTestServer(overrides: Partial<TestServerOptions> = {}): Promise<TestServer> {
  const ownDir = overrides.dataDir === undefined;
  const options: TestServerOptions = { ...DEFAULTS, dataDir: overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'router-test-'))), ...overrides };
  const stores = await openStores(options);
  const own = options.processorUrl
    ? createHttpProcessor({ url: options.processorUrl, timeoutMs: options.processorTimeoutMs })
    : options.builtInProcessor === 'documents'
      ? createDocumentsProcessor()
      : createInspectProcessor();
  const processor = options.processor ?? own;
  const engine = new BatchEngine({
    ...stores,
    processor,
    resolvePatient: options.resolvePatient,
    logger: options.logger,
    concurrency: options.concurrency,
    leaseMs: options.leaseMs,
    processingDelayMs: options.processingDelayMs,
    appendHoldMs: options.appendHoldSeconds * 1_000,
    retention: { blobsAfterMs: options.retentionHours * 3_600_000, batchesAfterMs: 90 * 86_400_000 },
    webhooks: options.webhookUrl && options.webhookSecret ? { url: options.webhookUrl, secret: options.webhookSecret } : null,
  });
  const app = express();
  app.use(compression());
  app.use(
    '/api/gp',
    createBatchRouter({
      engine,
      authenticate: bearerTokens(options.apiTokens, options.authCookie),
      uploadDir: join(options.dataDir, 'uploads'),
      logger: options.logger,
      limits: { max_files: options.maxFiles, max_file_size: Math.round(options.maxFileSizeMb * 1024 * 1024) },
      events: { heartbeatMs: options.heartbeatMs },
      uploadRateLimit: options.uploadRateLimit > 0 ? { limit: options.uploadRateLimit, windowMs: 60_000 } : null,
      cors: options.corsOrigins.length > 0 ? { origins: options.corsOrigins, credentials: options.corsCredentials } : null,
      checkOrigin: options.authCookie !== null || options.corsCredentials,
      // Resumable uploads (tus) as the demo server offers them: unfinished uploads under the data folder.
      resumable: { dir: join(options.dataDir, 'resumable'), ...(options.resumableSweepMs ? { sweepIntervalMs: options.resumableSweepMs } : {}) },
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  await engine.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    // Running files end first; the event streams they feed are cut after.
    await engine.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await own.close();
    await stores.close();
    if (ownDir) await rm(options.dataDir, { recursive: true, force: true });
  }
  return {
    url,
    api: `${url}/api/gp`,
    dataDir: options.dataDir,
    closeAllConnections: () => server.closeAllConnections(),
    close: () => (closed ??= shutDown()),
  };
}

/** The caller's workspace from `Authorization: Bearer <token>`, or from the token in `cookie` when there is no such header. */
function bearerTokens(tokens: Map<string, string> | null, cookie: string | null): Authenticate {
  if (tokens === null) return () => ({ workspace_id: 'dev' });
  return ({ req }) => {
    const header = req.get('authorization');
    const fromCookie = cookie === null ? undefined : new RegExp(`(?:^|;\\s*)${cookie}=([^;]+)`).exec(req.get('cookie') ?? '')?.[1];
    const token = header === undefined ? fromCookie : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    const workspace = token === undefined ? undefined : tokens.get(token);
    return workspace === undefined ? null : { workspace_id: workspace };
  };
}

/** SQLite and a folder under `dataDir`, or MongoDB and GridFS; opened, with one `close` for both. */
async function openStores(options: TestServerOptions): Promise<{ store: Store; blobs: BlobStore; close(): Promise<void> }> {
  if (options.mongodbUri) {
    const { CLIENT_DEFAULTS, DEFAULT_DB_NAME, GridFsBlobStore, MongoClient, MongoStore, dbNameInUri } = await import('../../src/stores/mongodb/index.js');
    const client = new MongoClient(options.mongodbUri, { ...CLIENT_DEFAULTS, serverSelectionTimeoutMS: 15_000 });
    const dbName = dbNameInUri(options.mongodbUri) ?? DEFAULT_DB_NAME;
    await client.connect();
    const store = new MongoStore({ client, dbName });
    const blobs = new GridFsBlobStore({ client, dbName });
    await Promise.all([store.init(), blobs.init()]);
    return { store, blobs, close: async () => (await Promise.all([store.close(), blobs.close()]), await client.close()) };
  }
  const store = new SqliteStore({ path: join(options.dataDir, 'batches.sqlite'), busyTimeoutMs: options.sqliteBusyTimeoutMs });
  const blobs = new LocalBlobStore({ dir: join(options.dataDir, 'files') });
  await Promise.all([store.init(), blobs.init()]);
  return { store, blobs, close: async () => void (await Promise.all([store.close(), blobs.close()])) };
}
