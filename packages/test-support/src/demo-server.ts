import { rm } from 'node:fs/promises';
import type { DemoConfig } from '../../../demo-server/src/config.js';
import { startServer, type RunningServer } from '../../../demo-server/src/server.js';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import { documents, type Documents } from './documents.js';
import { tempDir } from './http.js';

/** A demo server started by {@link startDemoServer}: its API's base URL and data folder too. */
export type TestDemoServer = RunningServer & { api: string; dataDir: string };

/**
 * Starts the demo server (its source, no build needed) in this process on a free port with
 * its own data folder, quiet and without simulated delay unless `overrides` say so;
 * `close` removes the folder it made.
 */
export async function startDemoServer(overrides: Partial<DemoConfig> = {}): Promise<TestDemoServer> {
  const dataDir = overrides.dataDir ?? (await tempDir());
  const server = await startServer({ leaseMs: 2_000, ...overrides, dataDir });
  return {
    ...server,
    api: server.url + server.config.basePath,
    dataDir,
    async close() {
      await server.close();
      if (!overrides.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a browser test file works with: the demo server, Chromium, and the documents to upload. */
export interface DemoInChromium {
  server: TestDemoServer;
  browser: Browser;
  docs: Documents;
  /** Closes Chromium, then the server. */
  close(): Promise<void>;
}

/** Starts the demo server with `overrides` and Chromium, and makes the documents. */
export async function demoInChromium(overrides: Partial<DemoConfig> = {}): Promise<DemoInChromium> {
  const docs = await documents();
  const server = await startDemoServer(overrides);
  const browser = await launchChromium();
  return {
    server,
    browser,
    docs,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
