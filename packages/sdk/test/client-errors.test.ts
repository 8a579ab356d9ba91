import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { ApiError, BatchClient, NetworkError, TimeoutError, isAbortError, isApiError, isNetworkError, isSdkError, isTimeoutError } from '../src/index.js';
import { ENDPOINT, errorBody, fakeBatch } from './helpers.js';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

// Retries without waiting: the behaviour under test is whether, not when.
const fast = { endpoint: ENDPOINT, retry: 2, timeout: 2_000 } as const;

describe('BatchClient error handling', () => {
  it('turns the error envelope into an ApiError with code, message, status and details', async () => {
    server.use(
      http.get(`${ENDPOINT}/batch-status/:id`, () => HttpResponse.json(errorBody('BATCH_NOT_FOUND', 'No batch with that id was found.'), { status: 404 })),
      http.post(`${ENDPOINT}/batch-upload`, () =>
        HttpResponse.json(errorBody('TOO_MANY_FILES', 'Too many files: a batch holds at most 50 files.', { max_files: 50 }), { status: 400 }),
      ),
    );
    const client = new BatchClient(fast);
    const notFound = await client.getBatch('nope').catch((error: unknown) => error);
    assert.ok(notFound instanceof ApiError);
    assert.equal(notFound.code, 'BATCH_NOT_FOUND');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.message, 'No batch with that id was found.');
    assert.ok(isApiError(notFound) && isSdkError(notFound));

    const tooMany = await client.upload([new File(['%PDF-'], 'a.pdf')]).catch((error: unknown) => error);
    assert.ok(isApiError(tooMany));
    assert.equal(tooMany.code, 'TOO_MANY_FILES');
    assert.deepEqual(tooMany.details, { max_files: 50 });
  });

  it('an answer without the envelope is UNEXPECTED_RESPONSE, and a proxy page never becomes the message', async () => {
    server.use(http.get(`${ENDPOINT}/limits`, () => new HttpResponse('<html>Bad gateway</html>', { status: 404, headers: { 'Content-Type': 'text/html' } })));
    const error = await new BatchClient(fast).getLimits().catch((e: unknown) => e);
    assert.ok(isApiError(error));
    assert.equal(error.code, 'UNEXPECTED_RESPONSE');
    assert.equal(error.status, 404);
    assert.doesNotMatch(error.message, /html/i);
  });

  it('retries a GET after 5xx answers and succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(`${ENDPOINT}/batch-status/:id`, ({ params }) => {
        calls += 1;
        if (calls < 3) return HttpResponse.json(errorBody('INTERNAL', 'Something went wrong on the server. Try again.'), { status: 503 });
        return HttpResponse.json({ status: 'success', batch: fakeBatch(String(params.id), ['pending']) });
      }),
    );
    const batch = await new BatchClient({ ...fast, retry: 2 }).getBatch('b1');
    assert.equal(batch.id, 'b1');
    assert.equal(calls, 3);
  });

  it("waits as long as a 429 answer's Retry-After says before retrying a GET", async () => {
    const calls: number[] = [];
    server.use(
      http.get(`${ENDPOINT}/batch-status/:id`, ({ params }) => {
        calls.push(performance.now());
        if (calls.length === 1) {
          return HttpResponse.json(errorBody('RATE_LIMITED', 'Too many uploads: wait a moment and try again.'), {
            status: 429,
            headers: { 'Retry-After': '1' },
          });
        }
        return HttpResponse.json({ status: 'success', batch: fakeBatch(String(params.id), ['pending']) });
      }),
    );
    const batch = await new BatchClient({ ...fast, retry: 1 }).getBatch('b1');
    assert.equal(batch.id, 'b1');
    assert.equal(calls.length, 2);
    // The backoff alone would have waited 0.3 s.
    assert.ok(calls[1]! - calls[0]! >= 950, `retried after ${Math.round(calls[1]! - calls[0]!)} ms, before the 1 s asked for`);
  });

  it('gives up a GET after `retry` retries with the last ApiError', async () => {
    let calls = 0;
    server.use(
      http.get(`${ENDPOINT}/limits`, () => {
        calls += 1;
        return HttpResponse.json(errorBody('INTERNAL', 'Something went wrong on the server. Try again.'), { status: 500 });
      }),
    );
    const error = await new BatchClient({ ...fast, retry: 1 }).getLimits().catch((e: unknown) => e);
    assert.ok(isApiError(error));
    assert.equal(error.code, 'INTERNAL');
    assert.equal(calls, 2);
  });

  it('never retries a POST: cancel and upload are sent once even after a 5xx', async () => {
    let cancels = 0;
    let uploads = 0;
    server.use(
      http.post(`${ENDPOINT}/batch/:id/cancel`, () => {
        cancels += 1;
        return HttpResponse.json(errorBody('INTERNAL', 'x'), { status: 500 });
      }),
      http.post(`${ENDPOINT}/batch-upload`, () => {
        uploads += 1;
        return HttpResponse.json(errorBody('UNAVAILABLE', 'The server is shutting down. Try again shortly.'), { status: 503 });
      }),
    );
    const client = new BatchClient({ ...fast, retry: 3 });
    assert.equal(((await client.cancelBatch('b1').catch((e: unknown) => e)) as ApiError).code, 'INTERNAL');
    assert.equal(((await client.upload([new File(['%PDF-1.4'], 'a.pdf')]).catch((e: unknown) => e)) as ApiError).code, 'UNAVAILABLE');
    assert.equal(cancels, 1);
    assert.equal(uploads, 1);
  });

  it('409 BATCH_NOT_OPEN from cancel is a typed error', async () => {
    server.use(
      http.post(`${ENDPOINT}/batch/:id/cancel`, () => HttpResponse.json(errorBody('BATCH_NOT_OPEN', 'The batch has already finished.'), { status: 409 })),
    );
    const error = await new BatchClient(fast).cancelBatch('b1').catch((e: unknown) => e);
    assert.ok(isApiError(error) && error.code === 'BATCH_NOT_OPEN' && error.status === 409);
  });

  it('a slow answer becomes a TimeoutError', async () => {
    server.use(
      http.get(`${ENDPOINT}/limits`, async () => {
        await delay(500);
        return HttpResponse.json({ status: 'success', limits: { max_files: 1, max_file_size: 1, accepted_types: [] } });
      }),
    );
    const error = await new BatchClient({ endpoint: ENDPOINT, timeout: 50, retry: 0 }).getLimits().catch((e: unknown) => e);
    assert.ok(error instanceof TimeoutError);
    assert.ok(isTimeoutError(error));
    assert.equal(error.code, 'TIMEOUT');
  });

  it('a failed connection becomes a NetworkError, on JSON calls and uploads', async () => {
    server.use(
      http.get(`${ENDPOINT}/limits`, () => HttpResponse.error()),
      http.post(`${ENDPOINT}/batch-upload`, () => HttpResponse.error()),
    );
    const client = new BatchClient({ ...fast, retry: 0 });
    const error = await client.getLimits().catch((e: unknown) => e);
    assert.ok(error instanceof NetworkError && isNetworkError(error));
    assert.equal(error.code, 'NETWORK_ERROR');
    const upload = await client.upload([new File(['%PDF-1.4'], 'a.pdf')]).catch((e: unknown) => e);
    assert.ok(isNetworkError(upload));
    // No page, so no cross-origin request and no CORS to blame.
    for (const failed of [error, upload]) {
      assert.equal(failed.crossOrigin, false);
      assert.equal(failed.message, 'The server could not be reached. Check the connection and try again.');
    }
  });

  it('an aborted call rejects with an AbortError, not an SDK error', async () => {
    server.use(
      http.get(`${ENDPOINT}/limits`, async () => {
        await delay(1_000);
        return HttpResponse.json({});
      }),
    );
    const controller = new AbortController();
    const pending = new BatchClient(fast).getLimits({ signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    const error = await pending;
    assert.ok(isAbortError(error));
    assert.ok(!isSdkError(error));
  });

  it('sends the token from getAuthToken and the extra headers on every call', async () => {
    const seen: Array<string | null> = [];
    server.use(
      http.get(`${ENDPOINT}/limits`, ({ request }) => {
        seen.push(request.headers.get('Authorization'), request.headers.get('X-Clinic'));
        return HttpResponse.json({ status: 'success', limits: { max_files: 5, max_file_size: 10, accepted_types: ['application/pdf'] } });
      }),
      http.post(`${ENDPOINT}/batch-upload`, ({ request }) => {
        seen.push(request.headers.get('Authorization'));
        return HttpResponse.json({ status: 'success', batch_id: 'b1', total_files: 1, message: '', tracking_url: '', events_url: '' }, { status: 202 });
      }),
    );
    let n = 0;
    const client = new BatchClient({ endpoint: ENDPOINT, headers: { 'X-Clinic': 'north' }, getAuthToken: async () => `token-${++n}` });
    assert.equal((await client.getLimits()).max_files, 5);
    await client.upload([new File(['%PDF-1.4'], 'a.pdf')]);
    assert.deepEqual(seen, ['Bearer token-1', 'north', 'Bearer token-2']);
  });

  it('sends history paging as query parameters', async () => {
    let query = '';
    server.use(
      http.get(`${ENDPOINT}/batch-history`, ({ request }) => {
        query = new URL(request.url).search;
        return HttpResponse.json({ status: 'success', batches: [], next_cursor: null });
      }),
    );
    const page = await new BatchClient(fast).getHistory({ limit: 5, cursor: 'abc' });
    assert.equal(query, '?limit=5&cursor=abc');
    assert.equal(page.next_cursor, null);
  });

  it('rejects options that cannot work at construction, naming the option', () => {
    assert.throws(() => new BatchClient({ endpoint: 'ftp://x' }), /endpoint/);
    assert.throws(() => new BatchClient({ endpoint: ENDPOINT, pollIntervalMs: 0 }), /pollIntervalMs/);
    assert.throws(() => new BatchClient({ endpoint: ENDPOINT, retry: -1 }), /retry/);
    assert.throws(() => new BatchClient({ endpoint: ENDPOINT, credentials: 'always' as RequestCredentials }), /credentials/);
  });

  it('asks for cookies only as told: same-origin by default, include when set', async () => {
    // Node's fetch keeps no cookies; what it is told shows in the Request it is handed.
    const seen: RequestCredentials[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      seen.push(input instanceof Request ? input.credentials : (init?.credentials ?? 'same-origin'));
      return input instanceof Request || init?.method !== 'POST'
        ? Response.json({ status: 'success', limits: { max_files: 5, max_file_size: 10, accepted_types: ['application/pdf'] } })
        : Response.json({ status: 'success', batch_id: 'b1', total_files: 1, message: '', tracking_url: '', events_url: '' }, { status: 202 });
    };
    assert.equal(new BatchClient({ endpoint: ENDPOINT }).options.credentials, 'same-origin');
    for (const credentials of [undefined, 'include', 'omit'] as const) {
      const client = new BatchClient({ endpoint: ENDPOINT, fetch, uploadTransport: 'fetch', ...(credentials ? { credentials } : {}) });
      await client.getLimits();
      await client.upload([new File(['%PDF-1.4'], 'a.pdf')]);
    }
    assert.deepEqual(seen, ['same-origin', 'same-origin', 'include', 'include', 'omit', 'omit']);
  });

  it('a conditional status read answers null on 304', async () => {
    server.use(
      http.get(`${ENDPOINT}/batch-status/:id`, ({ request }) => {
        if (request.headers.get('If-None-Match') === 'W/"v1"') return new HttpResponse(null, { status: 304, headers: { ETag: 'W/"v1"' } });
        return HttpResponse.json({ status: 'success', batch: fakeBatch('b1', ['pending']) }, { headers: { ETag: 'W/"v1"' } });
      }),
    );
    const client = new BatchClient(fast);
    const first = await client.getBatchIfChanged('b1', null);
    assert.equal(first.batch?.id, 'b1');
    assert.equal(first.etag, 'W/"v1"');
    const second = await client.getBatchIfChanged('b1', first.etag);
    assert.equal(second.batch, null);
  });
});

describe('BatchClient.uploadBatch (msw)', () => {
  const accepted = (total: number) => ({ status: 'success', batch_id: 'b1', total_files: total, message: '', tracking_url: '', events_url: '' });
  /** `POST /batches`: a batch of several requests is made empty first. */
  const made = () =>
    HttpResponse.json({ status: 'success', batch_id: 'b1', accepting_files: true, upload_url: '', tracking_url: '', events_url: '' }, { status: 201 });
  const file = (name: string) => new File(['%PDF-1.4'], name);

  it('sends a 503-refused append again alone, with more_files on every request but the last, and never pauses', async () => {
    const calls: string[] = [];
    let appends = 0;
    let kept = 0;
    const part = async (request: Request) => {
      const form = await request.formData();
      const names = form.getAll('files').map((f) => (f as File).name);
      return `${names.join(',')}:${form.get('more_files') === 'true' ? 'more' : 'last'}`;
    };
    server.use(
      http.post(`${ENDPOINT}/batches`, () => {
        calls.push('batches');
        return made();
      }),
      http.post(`${ENDPOINT}/batch/b1/:op`, async ({ params, request }) => {
        const op = String(params.op);
        if (op !== 'files') {
          calls.push(op);
          return HttpResponse.json({ status: 'success', batch: fakeBatch('b1', ['pending']) });
        }
        calls.push(`files:${await part(request)}`);
        if (++appends === 2) return HttpResponse.json(errorBody('UNAVAILABLE', 'The server is shutting down. Try again shortly.'), { status: 503 });
        return HttpResponse.json({ ...accepted(++kept), appended_files: 1, file_ids: ['x'] }, { status: 202 });
      }),
    );
    const client = new BatchClient({ ...fast, uploadPartFiles: 1, uploadPartBytes: 1_000 });
    const result = await client.uploadBatch([file('a.pdf'), file('b.pdf'), file('c.pdf')]);
    assert.deepEqual(result, { batch_id: 'b1', total_files: 3, parts: 3 });
    assert.deepEqual(calls, ['batches', 'files:a.pdf:more', 'files:b.pdf:more', 'files:b.pdf:more', 'files:c.pdf:last']);
  });

  it('with a backend that has no POST /batches (404), the first request makes the batch, as before it', async () => {
    const calls: string[] = [];
    const names = async (request: Request) => {
      const form = await request.formData();
      return `${form
        .getAll('files')
        .map((f) => (f as File).name)
        .join(',')}:${form.get('more_files') === 'true' ? 'more' : 'last'}`;
    };
    server.use(
      http.post(`${ENDPOINT}/batches`, () => {
        calls.push('batches');
        return HttpResponse.json(errorBody('NOT_FOUND', 'There is nothing at this address.'), { status: 404 });
      }),
      http.post(`${ENDPOINT}/batch-upload`, async ({ request }) => {
        calls.push(`upload:${await names(request)}`);
        return HttpResponse.json(accepted(1), { status: 202 });
      }),
      http.post(`${ENDPOINT}/batch/b1/files`, async ({ request }) => {
        calls.push(`files:${await names(request)}`);
        return HttpResponse.json({ ...accepted(2), appended_files: 1, file_ids: ['x'] }, { status: 202 });
      }),
    );
    const created: string[] = [];
    const client = new BatchClient({ ...fast, uploadPartFiles: 1, uploadPartBytes: 1_000 });
    const result = await client.uploadBatch([file('a.pdf'), file('b.pdf')], { onBatchCreated: (id) => created.push(id) });
    assert.deepEqual(result, { batch_id: 'b1', total_files: 2, parts: 2 });
    assert.deepEqual(calls, ['batches', 'upload:a.pdf:more', 'files:b.pdf:last']);
    assert.deepEqual(created, ['b1']);
  });

  it('sends the first request again after a 507: the server kept nothing, its disk was full', async () => {
    let uploads = 0;
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, () =>
        ++uploads === 1
          ? HttpResponse.json(errorBody('INSUFFICIENT_STORAGE', 'The server has no room to store these files right now.'), { status: 507 })
          : HttpResponse.json(accepted(1), { status: 202 }),
      ),
    );
    const client = new BatchClient({ ...fast, uploadPartFiles: 1 });
    assert.deepEqual(await client.uploadBatch([file('a.pdf')]), { batch_id: 'b1', total_files: 1, parts: 1 });
    assert.equal(uploads, 2);
  });

  it('never sends the first request again after a 500, and cancels a batch already created when aborted', async () => {
    let uploads = 0;
    const cancelled: string[] = [];
    const controller = new AbortController();
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, () => {
        uploads += 1;
        return uploads === 1
          ? HttpResponse.json(errorBody('INTERNAL', 'Something went wrong on the server. Try again.'), { status: 500 })
          : HttpResponse.json(accepted(1), { status: 202 });
      }),
      http.post(`${ENDPOINT}/batches`, made),
      http.post(`${ENDPOINT}/batch/b1/files`, async () => {
        controller.abort();
        await delay(1_000);
        return HttpResponse.json({});
      }),
      http.post(`${ENDPOINT}/batch/b1/cancel`, () => {
        cancelled.push('b1');
        return HttpResponse.json({ status: 'success', batch: fakeBatch('b1', ['cancelled'], 'cancelled', true) });
      }),
    );
    const client = new BatchClient({ ...fast, uploadPartFiles: 1 });
    await assert.rejects(client.uploadBatch([file('a.pdf')]), { code: 'INTERNAL' });
    assert.equal(uploads, 1);
    await assert.rejects(client.uploadBatch([file('a.pdf'), file('b.pdf')], { signal: controller.signal }), { name: 'AbortError' });
    assert.deepEqual(cancelled, ['b1']);
  });
});
