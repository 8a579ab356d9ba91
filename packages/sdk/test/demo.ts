/**
 * Starts the real demo server in-process for integration tests. The tests skip, with
 * this reason, only when the demo server's source is absent.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverModule = fileURLToPath(new URL('../../../demo-server/src/server.ts', import.meta.url));

/** `false` when the demo server exists, else why the integration tests skip. */
export const demoSkip: false | string = existsSync(serverModule) ? false : 'demo-server/src/server.ts does not exist yet';

/** What `startServer` resolves with (the parts these tests use). */
export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

/** Starts the real demo server on a free port in a fresh data folder; `close` removes the folder. */
export async function startDemo(config: Record<string, unknown> = {}): Promise<RunningDemo & { api: string }> {
  const { startServer } = (await import(serverModule)) as {
    startServer: (config: Record<string, unknown>) => Promise<RunningDemo>;
  };
  const dataDir = await mkdtemp(join(tmpdir(), 'sdk-it-'));
  const running = await startServer({ port: 0, dataDir, logLevel: 'silent', processingDelayMs: 0, leaseMs: 2_000, ...config });
  return {
    ...running,
    api: `${running.url}/api/gp`,
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const serviceModule = fileURLToPath(new URL('../../../demo-server/test/processing-service.ts', import.meta.url));

/** A processing service for `processorUrl`: inspects documents, and answers 503 to the first `unavailableFor(name)` calls of a file. */
export async function startProcessingService(unavailableFor: (filename: string) => number): Promise<{ url: string; close(): Promise<void> }> {
  const { startProcessingService: start } = (await import(serviceModule)) as {
    startProcessingService: (options: { unavailableFor: (filename: string) => number }) => Promise<{ url: string; close(): Promise<void> }>;
  };
  return start({ unavailableFor });
}
