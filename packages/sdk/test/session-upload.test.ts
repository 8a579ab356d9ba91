import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import { BatchSession, isApiError, selectCanRetry, selectCanStart, selectSummary, type SessionFileStatus } from '../src/index.js';
import { ATTEMPTS_USED_UP, ENDPOINT, PDF, errorBody, fakeBatch, until } from './helpers.js';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

const limits: Limits = { ...DEFAULT_LIMITS, max_files: 3, max_file_size: 1_000 };

/** A session with fixed limits: adding files needs no network. */
function offlineSession(overrides: Partial<Limits> = {}) {
  return new BatchSession({ client: { endpoint: ENDPOINT, liveMode: 'polling', pollIntervalMs: 10 }, limits: { ...limits, ...overrides } });
}

const pdf = (name: string, extra = '', lastModified = 1) => new File([PDF + extra], name, { type: 'application/pdf', lastModified });

describe('BatchSession: upload and follow (msw)', () => {
  function serveBatch(script: ReturnType<typeof fakeBatch>[]) {
    let polls = 0;
    server.use(
      http.get(`${ENDPOINT}/batch-status/:id`, () => {
        const batch = script[Math.min(polls++, script.length - 1)]!;
        return HttpResponse.json({ status: 'success', batch });
      }),
    );
  }

  it('walks every file queued → uploading → pending → processing → completed/failed, and summarises', async () => {
    let fields: Record<string, string> = {};
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, async ({ request }) => {
        const form = await request.formData();
        fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string') as Array<[string, string]>);
        assert.deepEqual(
          form.getAll('files').map((f) => (f as File).name),
          ['a.pdf', 'b.pdf'],
        );
        return HttpResponse.json({ status: 'success', batch_id: 'b1', total_files: 2, message: '', tracking_url: '', events_url: '' }, { status: 202 });
      }),
    );
    serveBatch([
      fakeBatch('b1', ['pending', 'pending'], 'pending'),
      fakeBatch('b1', ['processing', 'pending']),
      fakeBatch('b1', ['completed', 'failed'], 'completed', true),
    ]);
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf'), pdf('b.pdf')]);
    const seen = new Map<string, SessionFileStatus[]>();
    session.on('file-status', ({ file }) => seen.set(file.name, [...(seen.get(file.name) ?? []), file.status]));
    const finishedEvents: string[] = [];
    session.on('batch-finished', ({ summary }) => finishedEvents.push(summary));

    const batchId = await session.start({ patient_id: 'P-1', priority: 'high' });
    assert.equal(batchId, 'b1');
    assert.deepEqual(fields, { patient_id: 'P-1', priority: 'high' });
    const final = await session.whenFinished();
    assert.equal(final.phase, 'finished');
    assert.deepEqual(seen.get('a.pdf'), ['uploading', 'pending', 'processing', 'completed']);
    assert.deepEqual(seen.get('b.pdf'), ['uploading', 'pending', 'failed']);
    assert.equal(final.files[1]!.error?.code, 'CORRUPT_FILE');
    assert.equal(final.files[1]!.fileId, 'b1-f1');
    assert.deepEqual(finishedEvents, ['1 succeeded, 1 failed']);
    assert.equal(selectSummary(final), '1 succeeded, 1 failed');
    session.dispose();
  });

  it('an upload refused by the server puts the files back in the queue with the error', async () => {
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, () =>
        HttpResponse.json(errorBody('RATE_LIMITED', 'Too many uploads: wait a moment and try again.'), { status: 429 }),
      ),
    );
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf')]);
    const failures: unknown[] = [];
    session.on('upload-failed', ({ error }) => failures.push(error));
    await assert.rejects(session.start(), { code: 'RATE_LIMITED' });
    const state = session.getState();
    assert.equal(state.phase, 'idle');
    assert.equal(state.files[0]!.status, 'queued');
    assert.equal((state.error as { code: string }).code, 'RATE_LIMITED');
    assert.equal(failures.length, 1);
    assert.ok(selectCanStart(state));
  });

  it('cancel during the upload goes back to idle without an error', async () => {
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, async () => {
        await delay(1_500);
        return HttpResponse.json({});
      }),
    );
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf')]);
    const started = session.start();
    await until(() => session.getState().phase === 'uploading');
    await session.cancel();
    await assert.rejects(started, { name: 'AbortError' });
    assert.equal(session.getState().phase, 'idle');
    assert.equal(session.getState().error, null);
  });

  it('cancel while processing asks the server and shows the cancelled files', async () => {
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, () =>
        HttpResponse.json({ status: 'success', batch_id: 'b2', total_files: 2, message: '', tracking_url: '', events_url: '' }, { status: 202 }),
      ),
      http.post(`${ENDPOINT}/batch/b2/cancel`, () =>
        HttpResponse.json({ status: 'success', batch: fakeBatch('b2', ['completed', 'cancelled'], 'cancelled', true) }),
      ),
    );
    serveBatch([fakeBatch('b2', ['processing', 'pending'])]);
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf'), pdf('b.pdf')]);
    await session.start();
    await until(() => session.getState().files[0]?.status === 'processing');
    await session.cancel();
    const state = await session.whenFinished();
    assert.equal(state.batchStatus, 'cancelled');
    assert.deepEqual(
      state.files.map((f) => f.status),
      ['completed', 'cancelled'],
    );
    session.dispose();
  });

  it('retryFailed asks the server to retry: the same batch reopens, failed files go back to pending, and it is followed to its end', async () => {
    let retried = false;
    let retries = 0;
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, () =>
        HttpResponse.json({ status: 'success', batch_id: 'r1', total_files: 2, message: '', tracking_url: '', events_url: '' }, { status: 202 }),
      ),
      http.post(`${ENDPOINT}/batch/r1/retry`, () => {
        retries += 1;
        retried = true;
        return HttpResponse.json({ status: 'success', retried: 1, not_retryable: 0, batch: fakeBatch('r1', ['completed', 'pending']) });
      }),
      http.get(`${ENDPOINT}/batch-status/:id`, () =>
        HttpResponse.json({
          status: 'success',
          batch: retried
            ? fakeBatch('r1', ['completed', 'completed'], 'completed', true)
            : fakeBatch('r1', ['completed', 'failed'], 'completed', true, ATTEMPTS_USED_UP),
        }),
      ),
    );
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf'), pdf('b.pdf')]);
    await session.start();
    await session.whenFinished();
    assert.ok(selectCanRetry(session.getState()));
    const statuses: SessionFileStatus[] = [];
    session.on('file-status', ({ file }) => statuses.push(file.status));
    const retriedEvents: unknown[] = [];
    session.on('batch-retried', (detail) => retriedEvents.push(detail));
    const [id, again] = await Promise.all([session.retryFailed(), session.retryFailed()]);
    assert.equal(id, 'r1');
    assert.equal(again, 'r1');
    assert.equal(retries, 1, 'a second call joins the request in flight');
    assert.deepEqual(retriedEvents, [{ batchId: 'r1', retried: 1, notRetryable: 0 }]);
    assert.equal(session.getState().phase, 'processing');
    assert.equal(session.getState().files[1]!.error, null);
    const state = await session.whenFinished();
    assert.deepEqual(statuses, ['pending', 'completed']);
    assert.equal(state.batchId, 'r1');
    assert.deepEqual(
      state.files.map((f) => [f.name, f.status]),
      [
        ['a.pdf', 'completed'],
        ['b.pdf', 'completed'],
      ],
    );
    assert.equal(selectCanRetry(state), false);
    session.dispose();
  });

  it('retryFailed works for an attached batch (no bytes), and 409 NOTHING_TO_RETRY is a typed error kept in the state', async () => {
    serveBatch([fakeBatch('b8', ['failed', 'completed'], 'completed', true, ATTEMPTS_USED_UP)]);
    server.use(
      http.post(`${ENDPOINT}/batch/b8/retry`, () =>
        HttpResponse.json(errorBody('NOTHING_TO_RETRY', 'No failed file of this batch can be tried again.', { not_retryable: 1 }), { status: 409 }),
      ),
    );
    const session = offlineSession();
    await session.attach('b8');
    assert.ok(session.getState().files.every((f) => f.file === null));
    assert.ok(selectCanRetry(session.getState()), 'no bytes needed');
    const error = await session.retryFailed().catch((e: unknown) => e);
    assert.ok(isApiError(error) && error.code === 'NOTHING_TO_RETRY' && error.status === 409);
    const state = session.getState();
    assert.equal(state.phase, 'finished');
    assert.equal(state.error, error);
    assert.equal(state.files[0]!.status, 'failed');
    session.dispose();
  });

  it('a cancelled batch, one without failed files, or one whose files failed for good offers no retry', () => {
    const base = { ...offlineSession().getState(), phase: 'finished' as const, batchId: 'b1' };
    const failed = {
      id: 'f1',
      name: 'a.pdf',
      size: 1,
      type: '',
      lastModified: 0,
      file: null,
      status: 'failed' as const,
      bytesSent: 1,
      fileId: 'x',
      error: ATTEMPTS_USED_UP,
      result: undefined,
    };
    assert.ok(selectCanRetry({ ...base, batchStatus: 'completed', files: [failed] }));
    assert.equal(selectCanRetry({ ...base, batchStatus: 'cancelled', files: [failed] }), false);
    for (const code of ['UNSUPPORTED_TYPE', 'CORRUPT_FILE', 'TOO_COMPLEX', 'ENCRYPTED_DOCUMENT']) {
      assert.equal(selectCanRetry({ ...base, batchStatus: 'completed', files: [{ ...failed, error: { code, message: '' } }] }), false, code);
    }
    assert.equal(selectCanRetry({ ...base, batchStatus: 'completed', files: [{ ...failed, status: 'completed' }] }), false);
  });

  it('attach follows an existing batch (after a reload) with no file bytes', async () => {
    serveBatch([fakeBatch('b9', ['completed', 'processing']), fakeBatch('b9', ['completed', 'completed'], 'completed', true)]);
    const session = offlineSession();
    await session.attach('b9');
    assert.equal(session.getState().phase, 'processing');
    assert.ok(session.getState().files.every((f) => f.file === null));
    const state = await session.whenFinished();
    assert.equal(selectSummary(state), '2 succeeded, 0 failed');
    session.dispose();
  });

  it('suspend stops live updates but keeps the state; resume follows the batch again to its end', async () => {
    let polls = 0;
    let finished = false;
    server.use(
      http.get(`${ENDPOINT}/batch-status/:id`, () => {
        polls += 1;
        const batch = finished ? fakeBatch('b6', ['completed', 'failed'], 'completed', true) : fakeBatch('b6', ['processing', 'pending']);
        return HttpResponse.json({ status: 'success', batch });
      }),
    );
    const session = offlineSession();
    await session.attach('b6');
    await until(() => session.getState().channel === 'polling' && polls >= 3);
    session.suspend();
    assert.equal(session.getState().channel, null);
    assert.equal(session.getState().files.length, 2, 'the state is kept');
    const count = polls;
    await delay(80);
    assert.ok(polls <= count + 1, 'no polling while suspended');
    finished = true;
    session.resume();
    const state = await session.whenFinished();
    assert.equal(selectSummary(state), '1 succeeded, 1 failed');
    session.dispose();
  });

  it('an upload that ends while suspended is followed only after resume', async () => {
    let polls = 0;
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, async () => {
        await delay(50);
        return HttpResponse.json({ status: 'success', batch_id: 'b7', total_files: 1, message: '', tracking_url: '', events_url: '' }, { status: 202 });
      }),
      http.get(`${ENDPOINT}/batch-status/:id`, () => {
        polls += 1;
        return HttpResponse.json({ status: 'success', batch: fakeBatch('b7', ['completed'], 'completed', true) });
      }),
    );
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf')]);
    const started = session.start();
    session.suspend();
    assert.equal(await started, 'b7', 'the upload went on');
    await delay(50);
    assert.equal(polls, 0);
    assert.equal(session.getState().phase, 'processing');
    session.resume();
    assert.equal((await session.whenFinished()).files[0]!.status, 'completed');
    session.dispose();
  });

  it('dispose stops polling and ends whenFinished', async () => {
    let polls = 0;
    server.use(
      http.get(`${ENDPOINT}/batch-status/:id`, () => {
        polls += 1;
        return HttpResponse.json({ status: 'success', batch: fakeBatch('b5', ['processing']) });
      }),
    );
    const session = offlineSession();
    await session.attach('b5');
    const waiting = session.whenFinished();
    await until(() => polls >= 3);
    session.dispose();
    await assert.rejects(waiting, { name: 'AbortError' });
    const count = polls;
    await delay(60);
    assert.ok(polls <= count + 1, 'no polling after dispose');
    assert.throws(() => session.reset(), /disposed/);
  });
});
