import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scope } from './cleanup.js';

/**
 * A processing service for `PROCESSOR_URL` that takes its time: it reads the file, waits
 * `msFor(workspace)` (the workspace from the `X-Batch-Uploader-Context` header the HTTP
 * processor sends), then answers `{ pages: 1 }`. Stands for a slow extraction service, or
 * one clinic's heavy documents. Runs in the bench process on 127.0.0.1 (it only waits, so
 * it costs the bench no CPU); stopped with the scope.
 */
export async function startSlowService(scope: Scope, msFor: (workspace: string) => number): Promise<string> {
  const server = createServer((req, res) => {
    let workspace = '';
    try {
      workspace = String((JSON.parse(req.headers['x-batch-uploader-context'] as string) as { workspace_id?: unknown }).workspace_id ?? '');
    } catch {
      // No context: no wait.
    }
    req.resume();
    req.on('end', () => {
      const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"pages":1}'), msFor(workspace));
      res.on('close', () => clearTimeout(timer));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  scope.defer('slow processing service', async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`;
}
