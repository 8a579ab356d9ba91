/**
 * A second, deliberately small backend of the batch protocol, written from the README and
 * the OpenAPI document alone (no part of the reference server): what a team with its own
 * backend would write. It has the required behaviours and none of the optional features,
 * and each fault switches one behaviour off, so tests can prove the kit sees it.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/** Behaviours a faulty backend gets wrong. */
export interface Faults {
  /** Status answers lack `progress`. */
  statusWithoutProgress?: boolean;
  /** Status answers carry no ETag and never answer 304. */
  noEtag?: boolean;
  /** Errors answer `{"error":"…"}` instead of the envelope. */
  plainErrors?: boolean;
  /** Event streams never send `end` and stay open. */
  eventsNeverEnd?: boolean;
  /** History lists the oldest batch first. */
  historyOldestFirst?: boolean;
  /** Cancelling a finished batch answers 200. */
  cancelAnything?: boolean;
}

export interface ToyOptions {
  faults?: Faults;
  /** Requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Time one file takes. */
  fileMs?: number;
  maxFiles?: number;
  maxFileSize?: number;
}

interface ToyFile {
  file_id: string;
  filename: string;
  status: 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
  size: number;
  detected_type: string | null;
  attempts: number;
  error?: { code: string; message: string };
  result?: unknown;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  bytes: Uint8Array | null;
}

interface ToyBatch {
  id: string;
  files: ToyFile[];
  cancelled: boolean;
  version: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE = '/api/v1';

/** A running toy backend; `api` is its base URL. */
export interface Toy {
  api: string;
  close(): Promise<void>;
}

export async function startToyBackend(options: ToyOptions = {}): Promise<Toy> {
  const faults = options.faults ?? {};
  const fileMs = options.fileMs ?? 60;
  const maxFiles = options.maxFiles ?? 10;
  const maxFileSize = options.maxFileSize ?? 256 * 1024;
  const batches: ToyBatch[] = [];
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  const queue: Array<{ batch: ToyBatch; file: ToyFile }> = [];
  let timer: NodeJS.Timeout | null = null;

  const now = () => new Date().toISOString();
  const touch = (batch: ToyBatch) => {
    batch.version++;
    batch.updated_at = now();
    if (!batch.finished_at && batch.files.every((f) => ['completed', 'failed', 'cancelled'].includes(f.status))) batch.finished_at = now();
    changes.emit(batch.id);
  };
  // One file at a time: pending → processing → completed (or failed when it is not a whole PDF/PNG).
  const work = () => {
    if (timer) return;
    const next = queue.shift();
    if (!next) return;
    const { batch, file } = next;
    if (file.status !== 'pending') return work();
    file.status = 'processing';
    file.attempts++;
    file.started_at = now();
    touch(batch);
    timer = setTimeout(() => {
      timer = null;
      const text = Buffer.from(file.bytes!).toString('latin1');
      if (file.detected_type === 'application/pdf' && !text.trimEnd().endsWith('%%EOF')) {
        file.status = 'failed';
        file.error = { code: 'CORRUPT_FILE', message: 'The file is damaged.' };
      } else {
        file.status = 'completed';
        file.result = { bytes: file.size };
      }
      file.completed_at = now();
      file.bytes = null;
      touch(batch);
      work();
    }, fileMs);
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string) =>
    send(res, status, faults.plainErrors ? { error: code.toLowerCase() } : { status: 'error', error: { code, message: `Error ${code}.` } });

  const counts = (b: ToyBatch) => {
    const c = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const f of b.files) c[f.status]++;
    const final = c.completed + c.failed + c.cancelled;
    return { ...c, percent: Math.floor((final * 100) / b.files.length) };
  };
  const summary = (b: ToyBatch) => {
    const p = counts(b);
    const status = b.cancelled
      ? 'cancelled'
      : b.finished_at
        ? p.failed === b.files.length
          ? 'failed'
          : 'completed'
        : p.pending === b.files.length
          ? 'pending'
          : 'processing';
    return {
      id: b.id,
      status,
      total_files: b.files.length,
      progress: p,
      priority: 'normal',
      patient_id: null,
      template_id: null,
      encounter_id: null,
      created_at: b.created_at,
      updated_at: b.updated_at,
      finished_at: b.finished_at,
      accepting_files: b.finished_at === null && !b.cancelled,
    };
  };
  const wire = (b: ToyBatch) => ({ ...summary(b), files: b.files.map(({ bytes: _bytes, ...file }) => file) });

  const find = (res: ServerResponse, id: string | undefined): ToyBatch | null => {
    if (!id || !UUID.test(id)) {
      fail(res, 400, 'INVALID_BATCH_ID');
      return null;
    }
    const batch = batches.find((b) => b.id === id);
    if (!batch) fail(res, 404, 'BATCH_NOT_FOUND');
    return batch ?? null;
  };

  const upload = async (req: IncomingMessage, res: ServerResponse) => {
    let form: FormData;
    try {
      const body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      form = await new Request('http://toy/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body,
        duplex: 'half',
      } as RequestInit).formData();
    } catch {
      return fail(res, 400, 'MALFORMED_UPLOAD');
    }
    const files = form.getAll('files').filter((f): f is File => typeof f !== 'string');
    if (files.length === 0) return fail(res, 400, 'NO_FILES');
    if (files.length > maxFiles) return fail(res, 400, 'TOO_MANY_FILES');
    if (files.some((f) => f.size > maxFileSize)) return fail(res, 413, 'FILE_TOO_LARGE');
    const created = now();
    const records: ToyFile[] = await Promise.all(
      files.map(async (f) => {
        const bytes = new Uint8Array(await f.arrayBuffer());
        const head = Buffer.from(bytes.subarray(0, 8));
        const type = head.toString('latin1').startsWith('%PDF-')
          ? 'application/pdf'
          : head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
            ? 'image/png'
            : null;
        const file: ToyFile = {
          file_id: randomUUID(),
          filename: f.name,
          status: 'pending',
          size: f.size,
          detected_type: type,
          attempts: 0,
          created_at: created,
          bytes,
        };
        if (!type)
          Object.assign(file, { status: 'failed', bytes: null, completed_at: created, error: { code: 'UNSUPPORTED_TYPE', message: 'Not a PDF or PNG.' } });
        return file;
      }),
    );
    if (records.every((r) => r.status === 'failed')) return fail(res, 415, 'UNSUPPORTED_TYPE');
    const batch: ToyBatch = { id: randomUUID(), files: records, cancelled: false, version: 0, created_at: created, updated_at: created, finished_at: null };
    batches.push(batch);
    for (const file of records) if (file.status === 'pending') queue.push({ batch, file });
    work();
    const tracking = `${BASE}/batch-status/${batch.id}`;
    send(res, 202, {
      status: 'success',
      batch_id: batch.id,
      total_files: records.length,
      message: 'Accepted.',
      tracking_url: tracking,
      events_url: `${BASE}/batch-events/${batch.id}`,
    });
  };

  const status = (req: IncomingMessage, res: ServerResponse, batch: ToyBatch) => {
    const etag = `W/"${batch.id}.${batch.version}"`;
    const given = req.headers['if-none-match'];
    if (!faults.noEtag && given && given.split(',').some((t) => t.trim() === etag)) {
      res.writeHead(304, { etag });
      return res.end();
    }
    const body = { status: 'success', batch: wire(batch) };
    if (faults.statusWithoutProgress) delete (body.batch as Partial<ReturnType<typeof wire>>).progress;
    send(res, 200, body, faults.noEtag ? {} : { etag });
  };

  const events = (req: IncomingMessage, res: ServerResponse, batch: ToyBatch) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform' });
    const push = () => {
      res.write(`event: snapshot\ndata: ${JSON.stringify(wire(batch))}\n\n`);
      if (batch.finished_at && !faults.eventsNeverEnd) {
        res.end(`event: end\ndata: ${JSON.stringify(wire(batch))}\n\n`);
        changes.off(batch.id, push);
      }
    };
    changes.on(batch.id, push);
    req.on('close', () => changes.off(batch.id, push));
    push();
  };

  const history = (url: URL, res: ServerResponse) => {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(res, 400, 'INVALID_QUERY');
    const cursor = url.searchParams.get('cursor');
    const ordered = faults.historyOldestFirst ? [...batches] : [...batches].reverse();
    const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
    const page = ordered.slice(start, start + limit);
    const more = start + limit < ordered.length;
    send(res, 200, { status: 'success', batches: page.map(summary), next_cursor: more ? Buffer.from(String(start + limit)).toString('base64url') : null });
  };

  const cancel = (res: ServerResponse, batch: ToyBatch) => {
    if (batch.finished_at && !faults.cancelAnything) return fail(res, 409, 'BATCH_NOT_OPEN');
    if (!batch.finished_at) {
      batch.cancelled = true;
      for (const f of batch.files)
        if (f.status === 'pending') Object.assign(f, { status: 'cancelled', bytes: null, error: { code: 'CANCELLED', message: 'Cancelled.' } });
      touch(batch);
    }
    send(res, 200, { status: 'success', batch: wire(batch) });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://toy');
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) return fail(res, 401, 'UNAUTHORIZED');
    const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : null;
    const [, first, id, action] = (path ?? '').split('/');
    const route = `${req.method} /${first}${action ? '/:id/' + action : ''}`;
    switch (route) {
      case 'GET /limits':
        return send(res, 200, {
          status: 'success',
          limits: { max_files: maxFiles, max_file_size: maxFileSize, accepted_types: ['application/pdf', 'image/png'] },
        });
      case 'POST /batch-upload':
        return void upload(req, res);
      case 'GET /batch-history':
        return history(url, res);
    }
    const handler = {
      'GET /batch-status': status,
      'GET /batch-events': events,
      'POST /batch/:id/cancel': (_q: IncomingMessage, s: ServerResponse, b: ToyBatch) => cancel(s, b),
    }[route];
    if (!handler) return fail(res, 404, 'NOT_FOUND');
    const batch = find(res, id);
    if (batch) handler(req, res, batch);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    api: `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE}`,
    async close() {
      if (timer) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
