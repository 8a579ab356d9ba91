/**
 * Starts the real demo server in-process for integration tests. The tests skip, with
 * this reason, only when the demo server's source is absent.
 */
import { existsSync } from 'node:fs';
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
  const { startDemoServer } = await import('@batch-uploader/test-support/demo-server');
  return startDemoServer(config as Parameters<typeof startDemoServer>[0]);
}

/** A processing service for `processorUrl`: inspects documents, and answers 503 to the first `unavailableFor(name)` calls of a file. */
export async function startProcessingService(unavailableFor: (filename: string) => number): Promise<{ url: string; close(): Promise<void> }> {
  const { startProcessingService: start } = await import('@batch-uploader/test-support/processing-service');
  return start({ unavailableFor });
}
