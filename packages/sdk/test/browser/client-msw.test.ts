/**
 * The client's error handling, retries and polling fallback in Chromium, with answers
 * from msw's service worker (error shapes a real server will not give on demand).
 * Uploads go through XMLHttpRequest here, which the worker sees like any request.
 */
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import { BatchClient, isApiError, isNetworkError, isSdkError, type Batch, type BatchFile, type LiveChannel } from '../../src/index.js';
import { FINISHED_AT, wireBatch } from '@batch-uploader/test-support/wire-batch';

declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void> | void) => void;
declare const before: (body: () => Promise<void> | void) => void;
declare const after: (body: () => Promise<void> | void) => void;
declare const afterEach: (body: () => Promise<void> | void) => void;

// Not /api/gp: that path is proxied to the real demo server for the other browser tests.
const ENDPOINT = new URL('/msw-api/gp', location.href).href;
const worker = setupWorker();

function ok(value: unknown, message: string): asserts value {
  if (!value) throw new Error(message);
}
function equal<T>(actual: T, expected: T, message = ''): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${message} expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

const errorBody = (code: string, message: string, details?: Record<string, unknown>) => ({
  status: 'error',
  error: { code, message, ...(details ? { details } : {}) },
});

function batch(id: string, statuses: ReadonlyArray<'pending' | 'processing' | 'completed' | 'failed'>, finished = false): Batch {
  const files: BatchFile[] = statuses.map((status, i) => ({
    file_id: `${id}-f${i}`,
    filename: `doc${i}.pdf`,
    status,
    size: 8,
    detected_type: 'application/pdf',
    attempts: 1,
    created_at: '2026-01-01T00:00:00.000Z',
  }));
  return wireBatch(id, files, {
    status: finished ? 'completed' : 'processing',
    finished_at: finished ? FINISHED_AT : null,
    accepting_files: !finished,
  });
}

const pdf = () => new File(['%PDF-1.4'], 'a.pdf', { type: 'application/pdf' });

describe('the client in Chromium with msw', () => {
  before(async () => {
    await worker.start({ quiet: true, onUnhandledRequest: 'bypass', serviceWorker: { url: '/mockServiceWorker.js' } });
  });
  afterEach(() => worker.resetHandlers());
  after(async () => {
    worker.stop();
    // Later test pages must not be served through the worker.
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  });

  it('turns error envelopes into ApiErrors, on JSON calls and XMLHttpRequest uploads', async () => {
    worker.use(
      http.get(`${ENDPOINT}/batch-status/:id`, () => HttpResponse.json(errorBody('BATCH_NOT_FOUND', 'No batch with that id was found.'), { status: 404 })),
      http.post(`${ENDPOINT}/batch-upload`, () =>
        HttpResponse.json(errorBody('RATE_LIMITED', 'Too many uploads: wait a moment and try again.', { retry_after_seconds: 30 }), { status: 429 }),
      ),
      http.get(`${ENDPOINT}/limits`, () => new HttpResponse('<html>Bad gateway</html>', { status: 404, headers: { 'Content-Type': 'text/html' } })),
    );
    const client = new BatchClient({ endpoint: ENDPOINT, retry: 0 });
    const missing = await client.getBatch('nope').catch((e: unknown) => e);
    ok(isApiError(missing) && isSdkError(missing), 'an ApiError');
    equal([missing.code, missing.status, missing.message], ['BATCH_NOT_FOUND', 404, 'No batch with that id was found.']);

    const limited = await client.upload([pdf()]).catch((e: unknown) => e);
    ok(isApiError(limited), 'the upload rejects with an ApiError');
    equal([limited.code, limited.status, limited.details], ['RATE_LIMITED', 429, { retry_after_seconds: 30 }]);

    const proxy = await client.getLimits().catch((e: unknown) => e);
    ok(isApiError(proxy), 'an ApiError');
    equal(proxy.code, 'UNEXPECTED_RESPONSE');
    ok(!/html/i.test(proxy.message), 'a proxy page never becomes the message');
  });

  it('a failed connection is a NetworkError, on JSON calls and uploads', async () => {
    worker.use(
      http.get(`${ENDPOINT}/limits`, () => HttpResponse.error()),
      http.post(`${ENDPOINT}/batch-upload`, () => HttpResponse.error()),
    );
    const client = new BatchClient({ endpoint: ENDPOINT, retry: 0 });
    const json = await client.getLimits().catch((e: unknown) => e);
    ok(isNetworkError(json), `a NetworkError from fetch, got ${String(json)}`);
    const upload = await client.upload([pdf()]).catch((e: unknown) => e);
    ok(isNetworkError(upload), `a NetworkError from XMLHttpRequest, got ${String(upload)}`);
    // The server is on the page's own origin: CORS cannot be the cause.
    for (const error of [json, upload]) ok(!error.crossOrigin && !/CORS|origin/.test(error.message), `no word of CORS: ${error.message}`);
  });

  it('retries a GET after 503 answers, never a POST', async () => {
    let reads = 0;
    let cancels = 0;
    worker.use(
      http.get(`${ENDPOINT}/batch-status/:id`, () => {
        reads += 1;
        if (reads < 3) return HttpResponse.json(errorBody('UNAVAILABLE', 'The server is shutting down. Try again shortly.'), { status: 503 });
        return HttpResponse.json({ status: 'success', batch: batch('b1', ['pending']) });
      }),
      http.post(`${ENDPOINT}/batch/:id/cancel`, () => {
        cancels += 1;
        return HttpResponse.json(errorBody('INTERNAL', 'Something went wrong on the server. Try again.'), { status: 500 });
      }),
    );
    const client = new BatchClient({ endpoint: ENDPOINT, retry: 2 });
    equal((await client.getBatch('b1')).id, 'b1');
    equal(reads, 3, 'two retries:');
    const error = await client.cancelBatch('b1').catch((e: unknown) => e);
    ok(isApiError(error) && error.code === 'INTERNAL', 'the 500 arrives as an ApiError');
    equal(cancels, 1, 'sent once:');
  });

  it('falls back to polling when live events fail, and stops when the batch is final', async () => {
    let polls = 0;
    worker.use(
      http.get(`${ENDPOINT}/batch-events/:id`, () =>
        HttpResponse.json(errorBody('INTERNAL', 'Something went wrong on the server. Try again.'), { status: 500 }),
      ),
      http.get(`${ENDPOINT}/batch-status/:id`, () => {
        polls += 1;
        const script = [batch('b2', ['processing', 'pending']), batch('b2', ['completed', 'processing']), batch('b2', ['completed', 'failed'], true)];
        return HttpResponse.json({ status: 'success', batch: script[Math.min(polls - 1, 2)] });
      }),
    );
    const channels: LiveChannel[] = [];
    const seen: string[] = [];
    const client = new BatchClient({ endpoint: ENDPOINT, pollIntervalMs: 10 });
    const final = await client.watchBatch('b2', { onChannel: (c) => channels.push(c), onUpdate: (b) => seen.push(b.files.map((f) => f.status).join('/')) });
    equal(channels, ['polling']);
    equal(seen, ['processing/pending', 'completed/processing', 'completed/failed']);
    equal(final.finished_at !== null, true);
    equal(polls, 3, 'no poll after the final snapshot:');
  });
});
