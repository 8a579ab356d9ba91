/**
 * Aborting while a live stream is open, over real HTTP (msw's mocked bodies do not see a
 * request's abort): the watch rejects with an AbortError and the connection is closed,
 * so a page that stops following a batch leaves no stream open. Runs on ky here and on
 * the browser bundles' ky subset in live-stream-abort-ky-subset.test.ts.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Batch } from '@batch-uploader/protocol';
import { BatchClient, isAbortError } from '../src/index.js';
import { fakeBatch } from './helpers.js';
import { waitFor } from '@batch-uploader/test-support/wait';

/** Open streams, and how many of them the client has closed. */
const streams: ServerResponse[] = [];
let closed = 0;
const server = createServer((req, res) => {
  if (!req.url?.includes('/batch-events/')) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.write(`event: snapshot\ndata: ${JSON.stringify(fakeBatch('b1', ['processing']))}\n\n`);
  streams.push(res);
  res.on('close', () => void (closed += 1));
});
let endpoint = '';

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gp`;
});
after(() => {
  for (const res of streams) res.destroy();
  server.closeAllConnections();
  server.close();
});

const until = (condition: () => boolean, what: string) => waitFor(condition, { timeoutMs: 5_000, everyMs: 5, what });

describe('aborting an open live stream', () => {
  it('rejects the watch with an AbortError and closes the connection', async () => {
    const controller = new AbortController();
    const updates: Batch[] = [];
    const watching = new BatchClient({ endpoint, retry: 0, liveMode: 'sse' })
      .watchBatch('b1', { signal: controller.signal, onUpdate: (batch) => updates.push(batch) })
      .catch((error: unknown) => error);
    await until(() => updates.length === 1, 'the snapshot');
    const before = closed;
    controller.abort();
    const outcome = await Promise.race([watching, new Promise((resolve) => setTimeout(() => resolve('still watching'), 3_000))]);
    assert.ok(isAbortError(outcome), `expected an AbortError, got ${String(outcome)}`);
    await until(() => closed > before, 'the server to see the stream closed');
  });

  it('ends the events() loop of a caller that stops reading, and closes the connection', async () => {
    const controller = new AbortController();
    const client = new BatchClient({ endpoint, retry: 0 });
    const before = closed;
    const reading = (async () => {
      for await (const event of client.events('b1', { signal: controller.signal })) {
        if (event.type === 'snapshot') controller.abort();
      }
    })().catch((error: unknown) => error);
    const outcome = await Promise.race([reading, new Promise((resolve) => setTimeout(() => resolve('still reading'), 3_000))]);
    assert.ok(outcome === undefined || isAbortError(outcome), `expected the loop to end, got ${String(outcome)}`);
    await until(() => closed > before, 'the server to see the stream closed');
  });
});
