import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CHANGES_PARAM,
  progressPercent,
  type Batch,
  type BatchChanges,
  type BatchFile,
  type BatchStatusResponse,
  type FileError,
} from '@batch-uploader/protocol';
import type { Scope } from './cleanup.js';

/** What the stream server plays: a batch of `files` files built from a real server's answer. */
export interface StatusStreamOptions {
  files: number;
  /** Files one update moves from pending to completed (every tenth to failed). */
  changed: number;
  /** A finished batch as the real server answered it: its files' results are repeated. */
  template: Batch;
  /** A failed file's error, as the server words it. */
  failure: FileError;
  /** The element's bundle file, served at /assets/batch-uploader.js. */
  bundlePath: string;
  /** The page's HTML, served at /bench/status. */
  html: string;
}

/** A running stream server. */
export interface StatusStreamServer {
  origin: string;
  batchId: string;
}

/**
 * Plays the server's part for one processing batch, on loopback, so that the page
 * receives each status update as a real Server-Sent Event through the browser's network
 * stack, but only when the page asks for it: `POST /bench/prepare` applies the next
 * update to the batch and encodes the event the server would send on that stream (a
 * whole-batch `snapshot`, or with `?changes=1` a `changes` event of the batch fields and
 * the changed files); `POST /bench/push` writes it to the open `batch-events` stream in
 * one write, as the server does. `batch-status` and `batch-events` answer in the shapes of
 * the real routes; the page and the element's bundle file are served too.
 */
export async function startStatusStreamServer(scope: Scope, options: StatusStreamOptions): Promise<StatusStreamServer> {
  const batch = initialBatch(options);
  const bundle = await readFile(options.bundlePath);
  let stream: ServerResponse | null = null;
  let next = 0;
  let prepared: Buffer | null = null;
  let eventId = 1;
  // Whether the open stream asked for `changes` events (`?changes=1`), as the SDK does.
  let changes = false;
  const event = () => Buffer.from(`id: ${eventId++}\nevent: snapshot\ndata: ${JSON.stringify(batch)}\n\n`);
  const changesEvent = (first: number) => {
    const { files, ...summary } = batch;
    const data: BatchChanges = { ...summary, changed_files: files.slice(first, first + options.changed) };
    return Buffer.from(`id: ${eventId++}\nevent: changes\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const send = (status: number, type: string, body: string | Buffer) =>
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    if (req.method === 'GET' && path === '/bench/status') return send(200, 'text/html; charset=utf-8', options.html);
    if (req.method === 'GET' && path === '/assets/batch-uploader.js') return send(200, 'text/javascript', bundle);
    if (req.method === 'GET' && path === `/api/gp/batch-status/${batch.id}`) {
      const body: BatchStatusResponse = { status: 'success', batch };
      return send(200, 'application/json', JSON.stringify(body));
    }
    if (req.method === 'GET' && path === `/api/gp/batch-events/${batch.id}`) {
      stream?.end();
      stream = res;
      changes = url.searchParams.get(CHANGES_PARAM) === '1';
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform' });
      res.write(event());
      return;
    }
    if (req.method === 'POST' && path === '/bench/prepare') {
      if (next + options.changed > options.files) return send(409, 'text/plain', 'every file is finished');
      applyUpdate(batch, options, next);
      prepared = changes ? changesEvent(next) : event();
      const body = JSON.stringify({ first: next, bytes: prepared.length });
      next += options.changed;
      return send(200, 'application/json', body);
    }
    if (req.method === 'POST' && path === '/bench/push') {
      if (!stream || !prepared) return send(409, 'text/plain', 'no stream, or nothing prepared');
      stream.write(prepared);
      prepared = null;
      return send(204, 'text/plain', '');
    }
    // The snapshot last sent, for timing JSON.parse of it alone in the page.
    if (req.method === 'GET' && path === '/bench/snapshot') return send(200, 'application/json', JSON.stringify(batch));
    return send(404, 'text/plain', 'not part of the benchmark');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  scope.defer('status stream server', async () => {
    stream?.end();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, batchId: batch.id };
}

/** The batch as the server shows it when processing starts: every file pending. */
function initialBatch({ files, template }: StatusStreamOptions): Batch {
  const list: BatchFile[] = Array.from({ length: files }, (_, i) => {
    const model = template.files[i % template.files.length]!;
    const { result: _result, started_at: _started, completed_at: _completed, error: _error, ...rest } = model;
    const extension = model.filename.split('.').pop();
    return { ...rest, file_id: randomUUID(), filename: `document-${i + 1}.${extension}`, status: 'pending', attempts: 0 };
  });
  return {
    ...template,
    id: randomUUID(),
    status: 'processing',
    total_files: files,
    progress: { pending: files, processing: 0, completed: 0, failed: 0, cancelled: 0, percent: 0 },
    updated_at: new Date().toISOString(),
    finished_at: null,
    files: list,
  };
}

/** Moves `changed` files from `first` on to completed (every tenth to failed), with the template's results. */
function applyUpdate(batch: Batch, { changed, template, failure }: StatusStreamOptions, first: number): void {
  const now = new Date().toISOString();
  const progress = batch.progress;
  for (let i = first; i < first + changed; i++) {
    const done = { ...batch.files[i]!, attempts: 1, started_at: now, completed_at: now };
    const failed = i % 10 === 9;
    batch.files[i] = failed
      ? { ...done, status: 'failed', error: failure }
      : { ...done, status: 'completed', result: template.files[i % template.files.length]!.result };
    progress.pending--;
    if (failed) progress.failed++;
    else progress.completed++;
  }
  progress.percent = progressPercent(progress);
  batch.updated_at = now;
}
