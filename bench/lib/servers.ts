import { fileURLToPath } from 'node:url';
import type { Scope } from './cleanup.js';
import { startChildServer, type ChildServer } from './child-server.js';

/** The built entry of `npm start`: the real demo server. */
export const DEMO_MAIN = fileURLToPath(new URL('../../demo-server/dist/main.js', import.meta.url));

// What a server under test inherits from the shell that runs the bench: only what a
// process needs to run. Nothing of the demo server's configuration (PORT, API_TOKENS,
// MONGODB_URI, LOG_LEVEL, WEBHOOK_URL…) or NODE_OPTIONS may leak in and change what is measured.
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'];

/** An environment for a child process: the few inherited variables plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

/**
 * Starts `node demo-server/dist/main.js` as it ships: embedded store (SQLite + local
 * folder) in `dataDir`, dev mode (API_TOKENS unset), default log level and concurrency,
 * no simulated processing delay; `env` adds settings (e.g. `CONCURRENCY`), `main` runs
 * another build of it.
 */
export function startDemoServer(scope: Scope, options: { dataDir: string; logDir: string; env?: Record<string, string>; main?: string }): Promise<ChildServer> {
  return startChildServer(scope, {
    name: 'demo-server',
    args: [options.main ?? DEMO_MAIN],
    env: childEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: options.dataDir, PROCESSING_DELAY_MS: '0', ...options.env }),
    logDir: options.logDir,
  });
}

/** Starts a baseline server of bench/baselines/ (TypeScript, through tsx). */
export function startBaseline(
  scope: Scope,
  name: 'bare-multer-server' | 'bare-json-server',
  options: { env: Record<string, string>; logDir: string },
): Promise<ChildServer> {
  const entry = fileURLToPath(new URL(`../baselines/${name}.ts`, import.meta.url));
  return startChildServer(scope, {
    name,
    args: ['--import', 'tsx', entry],
    env: childEnv(options.env),
    logDir: options.logDir,
  });
}
