/**
 * Outages, stalls and reloads, with the real demo server (in-process, on a free port):
 * the server stops mid-batch and comes back on the same port and data folder; a proxy
 * accepts an upload's first bytes and then stops reading; a reload cut an upload in
 * several requests short. Issue 14 §5 and §6.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BatchClient, BatchSession, isNetworkError, type BatchIdStorage, type ConnectionState } from '../src/index.js';
import { demoSkip as skip } from './demo.js';
import { makePdf } from '@batch-uploader/test-support/small-documents';
import { memoryStorage, until } from './helpers.js';

const serverModule = fileURLToPath(new URL('../../../demo-server/src/server.ts', import.meta.url));
type Running = { url: string; close(): Promise<void> };
type StartServer = (config: Record<string, unknown>) => Promise<Running>;

/** The demo server on `port` (0: a free one) with `dataDir`, processing slowly enough to be caught mid-batch. */
async function startOn(port: number, dataDir: string, config: Record<string, unknown> = {}): Promise<Running & { port: number }> {
  const { startServer } = (await import(serverModule)) as { startServer: StartServer };
  const running = await startServer({ port, dataDir, logLevel: 'silent', processingDelayMs: 0, leaseMs: 1_000, ...config });
  return { ...running, port: Number(new URL(running.url).port) };
}

async function pdfFile(name: string, padBytes = 0): Promise<File> {
  return new File([await makePdf(name, padBytes)], name, { type: 'application/pdf' });
}

describe('BatchSession: the server goes away mid-batch and comes back', { skip }, () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sdk-outage-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows reconnecting (no final error), keeps trying, and reaches the true end once the server is back on its port', async () => {
    let server = await startOn(0, dataDir, { processingDelayMs: 400, concurrency: 1 });
    const session = new BatchSession({ client: { endpoint: `${server.url}/api/gp`, retry: 0 } });
    const told: ConnectionState[] = [];
    const errors: unknown[] = [];
    session.on('connection', ({ connection }) => told.push(connection));
    session.on('error', ({ error }) => errors.push(error));
    await session.addFiles(await Promise.all(['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf'].map((name) => pdfFile(name))));
    await session.start();
    await until(() => session.getState().channel === 'sse');

    await server.close();
    await until(() => session.getState().connection === 'reconnecting', 10_000);
    assert.equal(session.getState().phase, 'processing', 'still following the batch');
    assert.equal(session.getState().error, null, 'no final-looking error while the server is away');
    session.reconnectNow(); // Tries at once; the server is still away, so it stays reconnecting.
    assert.equal(session.getState().connection, 'reconnecting');

    server = await startOn(server.port, dataDir, { processingDelayMs: 0 });
    const state = await session.whenFinished();
    assert.deepEqual(told, ['reconnecting', 'connected']);
    assert.equal(state.connection, 'connected');
    assert.deepEqual(
      state.files.map((f) => f.status),
      ['completed', 'completed', 'completed', 'completed'],
      'the true end, without a reload',
    );
    assert.deepEqual(errors, []);
    session.dispose();
    await server.close();
  });
});

/** A proxy to `target` whose first connection takes some bytes and then stops reading for good. */
async function stallingProxy(target: number): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    sockets.add(client);
    connections += 1;
    if (connections === 1) {
      client.once('data', () => client.pause()); // Took a first chunk; reads nothing more.
      return;
    }
    const upstream = connect(target, '127.0.0.1');
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}

describe('BatchClient: an upload that stalls', { skip }, () => {
  let dataDir: string;
  let server: Running & { port: number };
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sdk-stall-'));
    server = await startOn(0, dataDir);
  });
  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is given up after stallTimeoutMs without a byte leaving, as a NetworkError that says it stalled', async () => {
    const proxy = await stallingProxy(server.port);
    const client = new BatchClient({ endpoint: `http://127.0.0.1:${proxy.port}/api/gp`, stallTimeoutMs: 300 });
    const error = await client.upload([await pdfFile('big.pdf', 8_000_000)]).catch((e: unknown) => e);
    assert.ok(isNetworkError(error), String(error));
    assert.equal(error.stalled, true);
    await proxy.close();
  });

  it('is sent again by uploadBatch, even as the first request (the server kept nothing of it): one batch, every file once', async () => {
    const proxy = await stallingProxy(server.port);
    const client = new BatchClient({ endpoint: `http://127.0.0.1:${proxy.port}/api/gp`, stallTimeoutMs: 300 });
    const result = await client.uploadBatch([await pdfFile('big.pdf', 8_000_000), await pdfFile('small.pdf')]);
    assert.equal(proxy.connections() >= 2, true, 'a second connection carried it');
    const batch = await new BatchClient({ endpoint: `${server.url}/api/gp` }).getBatch(result.batch_id);
    assert.deepEqual(
      batch.files.map((f) => f.filename),
      ['big.pdf', 'small.pdf'],
    );
    await proxy.close();
  });

  it('stallTimeoutMs is checked: 0 is refused, false turns it off', () => {
    assert.throws(() => new BatchClient({ endpoint: 'http://x.test/api', stallTimeoutMs: 0 }), /stallTimeoutMs/);
    assert.equal(new BatchClient({ endpoint: 'http://x.test/api', stallTimeoutMs: false }).options.stallTimeoutMs, false);
    assert.equal(new BatchClient({ endpoint: 'http://x.test/api' }).options.stallTimeoutMs, 30_000);
  });
});

describe('BatchSession: an upload cut short by a reload', { skip }, () => {
  let dataDir: string;
  let server: Running & { port: number };
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sdk-interrupted-'));
    server = await startOn(0, dataDir);
  });
  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The first request of a three-file upload in parts, as a page sent it before it was reloaded. */
  async function cutShort(first: File): Promise<string> {
    const client = new BatchClient({ endpoint: `${server.url}/api/gp` });
    const { batch_id } = await client.upload([first], { moreFiles: true, expectedFiles: 3 });
    return batch_id;
  }

  it('after the reload, shows N of M not sent (from the server, only the id kept); adding them finishes the batch, and the id is forgotten', async () => {
    const first = await pdfFile('first.pdf');
    const batchId = await cutShort(first);
    const storage = memoryStorage();
    storage.setItem('uploads', batchId);
    const session = new BatchSession({ client: { endpoint: `${server.url}/api/gp` }, resume: { key: 'uploads', storage } });
    const interruptions: unknown[] = [];
    session.on('upload-interrupted', (detail) => interruptions.push(detail));
    assert.equal(await session.restore(), batchId);
    assert.deepEqual(session.getState().interrupted, { received: 1, expected: 3, sending: false });
    assert.deepEqual(interruptions, [{ batchId, received: 1, expected: 3 }]);
    assert.equal(session.getState().phase, 'processing', 'the batch waits for the rest');

    await assert.rejects(session.addMissingFiles([await pdfFile('x.pdf'), await pdfFile('y.pdf'), await pdfFile('z.pdf')]), { code: 'TOO_MANY_FILES' });
    const result = await session.addMissingFiles([first, await pdfFile('second.pdf'), await pdfFile('third.pdf')]);
    assert.deepEqual(result, { sent: 2, alreadySent: 1 }, 'the file the batch has is left out');
    assert.equal(session.getState().interrupted, null);
    const state = await session.whenFinished();
    assert.deepEqual(
      state.files.map((f) => [f.name, f.status]),
      [
        ['first.pdf', 'completed'],
        ['second.pdf', 'completed'],
        ['third.pdf', 'completed'],
      ],
    );
    assert.equal(storage.entries.size, 0, 'finished: nothing to pick up any more');
    session.dispose();
  });

  it('adding some of the missing files keeps the batch waiting for the rest; finishing without them ends it with what it has', async () => {
    const batchId = await cutShort(await pdfFile('one.pdf'));
    const session = new BatchSession({ client: { endpoint: `${server.url}/api/gp` } });
    await session.attach(batchId);
    await session.addMissingFiles([await pdfFile('two.pdf')]);
    assert.deepEqual(session.getState().interrupted, { received: 2, expected: 3, sending: false });
    await session.finishWithoutMissing();
    const state = await session.whenFinished();
    assert.equal(state.interrupted, null);
    assert.deepEqual(
      state.files.map((f) => f.status),
      ['completed', 'completed'],
    );
    session.dispose();
  });

  it('an upload that said nothing of more files, or got them all, is not interrupted', async () => {
    const client = new BatchClient({ endpoint: `${server.url}/api/gp` });
    const whole = await client.uploadBatch([await pdfFile('p.pdf'), await pdfFile('q.pdf')]);
    const session = new BatchSession({ client });
    await session.attach(whole.batch_id);
    assert.equal(session.getState().interrupted, null);
    await assert.rejects(session.addMissingFiles([await pdfFile('r.pdf')]), { code: 'BATCH_NOT_OPEN' });
    session.dispose();
  });
});
