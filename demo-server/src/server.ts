import { once } from 'node:events';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import compression from 'compression';
import { pino } from 'pino';
import {
  BatchEngine,
  createBatchRouter,
  createDocumentsProcessor,
  createHttpProcessor,
  loadTemplatesDir,
  QuarantineSweeper,
  TemplateError,
  type Logger,
  type Processor,
  type ResumableStore,
} from '@batch-uploader/server';
import { createInspectProcessor } from '@batch-uploader/server/inspect';
import { tokenAuth } from './auth.js';
import { ConfigError, defaultConfig, type DemoConfig } from './config.js';
import { makeDataDirPrivate, RESUMABLE_DIR, UPLOADS_DIR } from './data-dir.js';
import { landingPage } from './pages.js';
import { widgetRoutes } from './widget-routes.js';
import { createHttpServer } from './connection-limits.js';
import { securityHeaders } from './security-headers.js';
import { openStores } from './stores.js';
import { emailOptions } from './notifications.js';
import { healthRoute, workerApp } from './health.js';
import { patientResolver } from './patients.js';

/**
 * PROCESSOR_URL hands every file to an HTTP service; else PROCESSOR picks the built-in
 * documents processor (text, type and fields, with TEMPLATES_DIR's templates) or the plain inspector.
 */
async function createProcessor(config: DemoConfig): Promise<Processor & { close(): Promise<void> }> {
  if (config.processorUrl) return createHttpProcessor({ url: config.processorUrl, timeoutMs: config.processorTimeoutMs });
  if (config.processor === 'inspect') return createInspectProcessor();
  try {
    const templates = config.templatesDir ? await loadTemplatesDir(config.templatesDir) : [];
    return createDocumentsProcessor({ templates, maxReadPages: config.readMaxPages });
  } catch (error) {
    if (error instanceof TemplateError) throw new ConfigError(`TEMPLATES_DIR: ${error.message}`);
    throw error;
  }
}

/** A running demo server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`; the API is under `url + config.basePath` (a `worker` serves only `url + '/health'`). */
  url: string;
  port: number;
  config: DemoConfig;
  /** Stops taking requests, lets running files finish briefly, and closes the stores. */
  close(): Promise<void>;
}

/**
 * Starts the reference server: records and file bytes in SQLite and a folder under
 * `dataDir` (or MongoDB and GridFS when `mongodbUri` is set),
 * the default document inspector, and the batch API under `basePath`. `config.role`
 * picks what this process does: `all` both, `api` the API without processing (engine
 * concurrency 0), `worker` processing with only `GET /health` served.
 */
export async function startServer(overrides: Partial<DemoConfig> & { dataDir: string }, log?: pino.Logger): Promise<RunningServer> {
  const config: DemoConfig = { ...defaultConfig(overrides.dataDir), ...overrides };
  const logger = log ?? createLogger(config.logLevel);
  // Before anything opens: a broken template stops the start with its file named.
  const processor = await createProcessor(config);

  // Before the stores open: SQLite's journal files take the mode of the database file.
  await makeDataDirPrivate(config.dataDir, { sqlite: !config.mongodbUri });
  const stores = await openStores(config, logger as Logger);
  const { store, blobs } = stores;
  const uploadDir = join(config.dataDir, UPLOADS_DIR);
  const engine = new BatchEngine({
    store,
    blobs,
    processor,
    // An API instance takes no file from the queue; the processing tier does.
    concurrency: config.role === 'api' ? 0 : config.concurrency,
    leaseMs: config.leaseMs,
    processingDelayMs: config.processingDelayMs,
    appendHoldMs: config.appendHoldSeconds * 1_000,
    retention: {
      blobsAfterMs: config.retentionHours * 3_600_000,
      batchesAfterMs: config.historyRetentionDays === null ? null : config.historyRetentionDays * 86_400_000,
    },
    webhooks: config.webhookUrl && config.webhookSecret ? { url: config.webhookUrl, secret: config.webhookSecret } : null,
    email: emailOptions(config),
    // PATIENTS_FILE: each document's patient fields are checked against the batch's patient.
    resolvePatient: config.patients ? patientResolver(config.patients) : null,
    logger: logger as Logger,
  });

  const app = config.role === 'worker' ? workerApp(engine, config) : apiApp(engine, config, stores.resumable, logger);

  // Uploads left by a process that died mid-request go now, and later ones while it runs.
  // A worker takes no uploads: the API instances sharing its DATA_DIR sweep them.
  const sweeper =
    config.role === 'worker' ? null : new QuarantineSweeper({ dir: uploadDir, abandonedAfterMs: config.abandonedUploadMs, logger: logger as Logger });
  await sweeper?.start();
  const server = createHttpServer(app, config, logger as Logger);
  server.listen(config.port, config.host);
  await once(server, 'listening');
  await engine.start();
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    config,
    close() {
      closing ??= (async () => {
        const stopped = new Promise((resolve) => server.close(resolve));
        server.closeIdleConnections();
        await engine.close();
        server.closeAllConnections();
        await stopped;
        await sweeper?.close();
        await processor.close();
        await stores.close();
      })();
      return closing;
    },
  };
}

/** The HTTP surface of an `all` or `api` process: the batch API, the demo pages, and `GET /health`. */
function apiApp(engine: BatchEngine, config: DemoConfig, resumable: ResumableStore | null, logger: pino.Logger): Express {
  const uploadDir = join(config.dataDir, UPLOADS_DIR);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(compression());
  app.use(securityHeaders(config));
  app.use((req, res, next) => {
    const started = performance.now();
    // Method, route template and status only: URLs of this API carry no patient data, but query strings might.
    res.on('finish', () => {
      logger.info(
        { method: req.method, route: req.route?.path ?? req.baseUrl, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'request',
      );
    });
    next();
  });
  app.use(
    config.basePath,
    createBatchRouter({
      engine,
      authenticate: tokenAuth(config.apiTokens, config.authCookie),
      uploadDir,
      limits: { max_files: config.maxFiles, max_file_size: Math.round(config.maxFileSizeMb * 1024 * 1024) },
      events: { heartbeatMs: config.heartbeatMs },
      uploadRateLimit: config.uploadRateLimit > 0 ? { limit: config.uploadRateLimit, windowMs: 60_000 } : null,
      logger: logger as Logger,
      cors: config.corsOrigins.length > 0 ? { origins: config.corsOrigins, credentials: config.corsCredentials } : null,
      // A token in a cookie goes with requests any page makes: changes must come from this origin or a listed one.
      checkOrigin: config.authCookie !== null || config.corsCredentials,
      resumable: { dir: join(config.dataDir, RESUMABLE_DIR), expireAfterMs: config.resumableExpireHours * 3_600_000, store: resumable },
    }),
  );
  app.use(widgetRoutes(config));
  app.get('/health', healthRoute(engine, config.role));
  app.get('/', (_req, res) => {
    res.type('html').send(landingPage(config));
  });
  // Browsers ask for it on every page: no icon, and no error in the page's console.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use((_req, res) => {
    res.status(404).type('text').send('Not found');
  });

  return app;
}

/** Structured logs with a safety net: fields that could hold patient data are redacted. */
export function createLogger(level: string): pino.Logger {
  return pino({
    level,
    base: { service: 'batch-uploader' },
    redact: {
      paths: ['*.filename', '*.originalname', '*.patient_id', '*.authorization', 'filename', 'originalname', 'patient_id', 'authorization'],
      censor: '[redacted]',
    },
  });
}
