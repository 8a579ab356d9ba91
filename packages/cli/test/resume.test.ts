/**
 * An interrupted import goes on when the same command runs again: the `batch-upload` bin
 * as a child process against the real demo server, through a proxy that counts the bytes
 * of every request and holds one tus PATCH half-way, so the process is killed (SIGKILL)
 * at a known point: the small files in the batch, the large file part-sent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BatchClient } from '@batch-uploader/sdk';
import { startDemoServer, type TestDemoServer } from '@batch-uploader/test-support/demo-server';
import { runScript } from '@batch-uploader/test-support/processes';
import { makePdf, makePng } from '@batch-uploader/test-support/small-documents';
import type { JsonReport } from '../src/json-report.js';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const CHUNK = 256 * 1024;

/** A proxy that records each request's body bytes and, when armed, holds the next `nth` PATCH after `afterBytes`. */
interface HoldingProxy {
  url: string;
  requests: Array<{ method: string; path: string; bodyBytes: number }>;
  /** Resolves once the armed PATCH is held. */
  hold(nth: number, afterBytes: number): Promise<void>;
  /** Drops the held request (both sides), as a killed client's connection would be. */
  dropHeld(): void;
  close(): Promise<void>;
}

async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  const requests: HoldingProxy['requests'] = [];
  let armed: { nth: number; afterBytes: number; seen: number; held: () => void } | null = null;
  let held: Array<{ socket: Socket; out: ReturnType<typeof forward> }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const record = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, bodyBytes: 0 };
    requests.push(record);
    const holding = armed && record.method === 'PATCH' && ++armed.seen === armed.nth ? armed : null;
    if (holding) armed = null;
    let holdingNow = false;
    const out = forward({ host: upstream.hostname, port: upstream.port, method: record.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      if (holdingNow) return;
      record.bodyBytes += chunk.length;
      if (holding && record.bodyBytes >= holding.afterBytes) {
        holdingNow = true;
        out.write(chunk.subarray(0, chunk.length - (record.bodyBytes - holding.afterBytes)));
        held.push({ socket: req.socket, out });
        holding.held();
        return;
      }
      out.write(chunk);
    });
    req.on('end', () => {
      if (!holdingNow) out.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    hold: (nth, afterBytes) => new Promise<void>((resolve) => (armed = { nth, afterBytes, seen: 0, held: resolve })),
    dropHeld: () => {
      for (const { socket, out } of held) {
        out.destroy();
        socket.destroy();
      }
      held = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('batch-upload goes on with an interrupted import', () => {
  let demo: TestDemoServer;
  let proxy: HoldingProxy;
  let docs: string;
  let stateDir: string;
  let endpoint: string;
  let bigSize: number;
  before(async () => {
    demo = await startDemoServer();
    proxy = await startHoldingProxy(demo.url);
    endpoint = proxy.url + demo.config.basePath;
    docs = await mkdtemp(join(tmpdir(), 'cli-resume-'));
    stateDir = await mkdtemp(join(tmpdir(), 'cli-resume-state-'));
    for (const n of [1, 2, 3]) await writeFile(join(docs, `page-${n}.png`), makePng(n + 2, n + 2));
    const big = await makePdf('large scan', 1_200_000);
    bigSize = big.byteLength;
    await writeFile(join(docs, 'big-scan.pdf'), big);
  });
  after(async () => {
    await proxy?.close();
    await demo?.close();
    await rm(docs, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  const args = () => ['--endpoint', endpoint, '--json', '--resumable-threshold', '100000', '--chunk-size', String(CHUNK), '--patient-id', 'PAT-RESUME-1', docs];
  const env = () => ({ BATCH_UPLOAD_TOKEN: '', BATCH_UPLOAD_STATE_DIR: stateDir });
  const patchedBytes = () => proxy.requests.filter((r) => r.method === 'PATCH').reduce((sum, r) => sum + r.bodyBytes, 0);

  /** Starts the CLI and stops it (`signal`) while the large file's second chunk is half-sent; resolves with the batch it made and how it exited. */
  async function runAndStop(signal: NodeJS.Signals): Promise<{ batchId: string; code: number | null; stdout: string }> {
    const from = proxy.requests.length;
    const held = proxy.hold(2, CHUNK / 2);
    const child = spawn(process.execPath, ['--import', TSX, bin, ...args()], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await held;
    child.kill(signal);
    const code = await exited;
    proxy.dropHeld();
    const created = proxy.requests.slice(from).find((r) => r.method === 'POST' && /\/batch\/[^/]+\/files$/.test(r.path));
    assert.ok(created, 'the small files were appended before the kill');
    return { batchId: created.path.split('/').at(-2)!, code, stdout };
  }
  const runAndKill = async () => (await runAndStop('SIGKILL')).batchId;

  it('sends the rest into the same batch, each file once, the large file going on from the server offset', async () => {
    const patchedBefore = patchedBytes();
    const batchId = await runAndKill();

    // The state left behind: readable by the user alone, no file names, no patient id.
    const [name, ...others] = await readdir(stateDir);
    assert.ok(name && others.length === 0);
    assert.equal((await stat(join(stateDir, name))).mode & 0o777, 0o600);
    const saved = await readFile(join(stateDir, name), 'utf8');
    assert.match(saved, new RegExp(batchId));
    assert.doesNotMatch(saved, /page-|big-scan|\.pdf|\.png|PAT-RESUME|cli-resume-/);

    const { code, stdout, stderr } = await runScript(bin, args(), env());
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Going on with an interrupted import of 4 files/);
    const report = JSON.parse(stdout) as JsonReport;
    assert.equal(report.resumed, true);
    assert.deepEqual(report.resume, { files_already_sent: 3, uploads_continued: 1, files_sent: 1 });
    assert.deepEqual(
      report.batches.map((b) => b.id),
      [batchId],
    );
    assert.deepEqual(report.batches[0]!.files.map((f) => [f.filename, f.status]).sort(), [
      ['big-scan.pdf', 'completed'],
      ['page-1.png', 'completed'],
      ['page-2.png', 'completed'],
      ['page-3.png', 'completed'],
    ]);
    assert.deepEqual(
      report.batches[0]!.files.map((f) => f.path).sort(),
      ['big-scan.pdf', 'page-1.png', 'page-2.png', 'page-3.png'].map((f) => join(docs, f)),
    );
    // Across both runs, the large file's bytes went once, but for at most the chunk cut by the kill.
    const resent = patchedBytes() - patchedBefore - bigSize;
    assert.ok(resent >= 0 && resent <= CHUNK, `bytes sent again: ${resent}`);
    assert.deepEqual(await readdir(stateDir), [], 'the state is removed once the import finished');
  });

  it('after Ctrl-C (SIGINT) the batch stays open and the large file goes on from where it stopped', async () => {
    const patchedBefore = patchedBytes();
    const stopped = await runAndStop('SIGINT');
    assert.equal(stopped.code, 2);
    assert.equal((JSON.parse(stopped.stdout) as JsonReport).error?.code, 'INTERRUPTED');
    const client = new BatchClient({ endpoint: demo.api });
    assert.equal((await client.getBatch(stopped.batchId)).accepting_files, true, 'the batch was not cancelled');

    const { code, stdout, stderr } = await runScript(bin, args(), env());
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as JsonReport;
    assert.deepEqual(report.resume, { files_already_sent: 3, uploads_continued: 1, files_sent: 1 });
    assert.deepEqual(
      report.batches.map((b) => [b.id, b.files.length]),
      [[stopped.batchId, 4]],
    );
    const resent = patchedBytes() - patchedBefore - bigSize;
    assert.ok(resent >= 0 && resent <= CHUNK, `bytes sent again: ${resent}`);
  });

  it('makes a new batch for the files not yet sent when the batch stopped taking files, and --restart starts afresh', async () => {
    const batchId = await runAndKill();
    const client = new BatchClient({ endpoint: demo.api });
    await client.closeBatch(batchId);

    const resumed = await runScript(bin, args(), env());
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`batch ${batchId} takes no more files; the 1 files not in it go into a new batch`));
    const report = JSON.parse(resumed.stdout) as JsonReport;
    assert.equal(report.resumed, true);
    assert.deepEqual(
      report.batches.map((b) => [b.id === batchId, b.files.map((f) => f.filename).sort()]),
      [
        [true, ['page-1.png', 'page-2.png', 'page-3.png']],
        [false, ['big-scan.pdf']],
      ],
    );

    const second = await runAndKill();
    const restarted = await runScript(bin, ['--restart', ...args()], env());
    assert.equal(restarted.code, 0, restarted.stderr);
    const fresh = JSON.parse(restarted.stdout) as JsonReport;
    assert.equal(fresh.resumed, false);
    assert.equal(fresh.batches.length, 1);
    assert.notEqual(fresh.batches[0]!.id, second);
    assert.equal(fresh.batches[0]!.files.length, 4);
    assert.deepEqual(await readdir(stateDir), []);
  });
});
