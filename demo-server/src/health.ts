import express, { type Express, type RequestHandler } from 'express';
import type { BatchEngine } from '@batch-uploader/server';
import type { DemoConfig, ServerRole } from './config.js';
import { securityHeaders } from './security-headers.js';

/** The answer of `GET /health`: counts and ids only. */
export interface HealthAnswer {
  status: 'ok';
  role: ServerRole;
  /** The id this process puts in the leases it takes. */
  instance: string;
  /** Files this process runs at once (0 for `api`). */
  concurrency: number;
  /** Files running in this process now. */
  in_flight: number;
  /** Processor runs that ended in this process since it started. */
  runs_ended: number;
}

/**
 * `GET /health`: 200 with this process's role and what its workers are doing, for load
 * balancers, orchestrators and dashboards. No authentication: it carries no batch, file
 * or workspace data. Answered while the engine runs; a process that cannot reach its
 * store fails to start, and one that lost it keeps answering (its workers log the errors).
 */
export function healthRoute(engine: BatchEngine, role: ServerRole): RequestHandler {
  return (_req, res) => {
    const answer: HealthAnswer = { status: 'ok', role, instance: engine.instanceId, ...engine.activity };
    res.set('Cache-Control', 'no-store').json(answer);
  };
}

/** The whole HTTP surface of a `worker` process: `GET /health`, and 404 for anything else. */
export function workerApp(engine: BatchEngine, config: DemoConfig): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(config));
  app.get('/health', healthRoute(engine, config.role));
  app.use((_req, res) => {
    res.status(404).type('text').send('Not found');
  });
  return app;
}
