import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import {
  BatchSession,
  formatSummary,
  isApiError,
  readHeads,
  selectCanRetry,
  selectCanStart,
  selectCounts,
  selectProgress,
  selectSummary,
  sniffType,
  type SessionFileStatus,
  type SessionState,
} from '../src/index.js';
import { ENDPOINT, PDF, PNG, errorBody, fakeBatch, until } from './helpers.js';

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

describe('BatchSession: adding files (no network)', () => {
  it('accepts documents by content and refuses the rest with a code and a clear message', async () => {
    const session = offlineSession({ max_files: 5 });
    const { files, rejected } = await session.addFiles([
      pdf('a.pdf'),
      new File([PNG], 'scan', { type: '' }),
      new File(['just text'], 'fake.pdf', { type: 'application/pdf' }),
      new File([PDF + 'x'.repeat(2_000)], 'big.pdf'),
      new File([], 'empty.pdf'),
    ]);
    assert.deepEqual(files.map((f) => [f.name, f.type, f.status]), [
      ['a.pdf', 'application/pdf', 'queued'],
      ['scan', 'image/png', 'queued'],
      ['fake.pdf', 'application/pdf', 'queued'],
    ]);
    assert.deepEqual(rejected.map((r) => [r.name, r.code]), [
      ['big.pdf', 'FILE_TOO_LARGE'],
      ['empty.pdf', 'EMPTY_FILE'],
    ]);
    assert.match(rejected[0]!.message, /^A file is larger than the [\d.]+ MB limit\.$/);
    await session.whenChecked();
    const state = session.getState();
    assert.deepEqual(state.files.map((f) => f.name), ['a.pdf', 'scan']);
    assert.deepEqual(state.rejected.map((r) => [r.name, r.code]), [
      ['big.pdf', 'FILE_TOO_LARGE'],
      ['empty.pdf', 'EMPTY_FILE'],
      ['fake.pdf', 'UNSUPPORTED_TYPE'],
    ]);
    assert.equal(state.rejected[2]!.message, 'This file is not a PDF, PNG, JPEG, TIFF or WebP document.');
  });

  it('refuses a duplicate (same name, size and modification time) but not a same-named different file', async () => {
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf')]);
    const { files, rejected } = await session.addFiles([pdf('a.pdf'), pdf('a.pdf', 'longer'), pdf('a.pdf', '', 2)]);
    assert.equal(files.length, 2);
    assert.deepEqual(rejected.map((r) => [r.code, r.message]), [['DUPLICATE_FILE', 'This file is already in the batch.']]);
  });

  it('with detectDuplicateContent, refuses the same content under another name, reading only files of equal size', async () => {
    const session = new BatchSession({ client: { endpoint: ENDPOINT }, limits, detectDuplicateContent: true });
    const read: string[] = [];
    const watched = (file: File) => {
      const arrayBuffer = file.arrayBuffer.bind(file);
      return Object.assign(file, { arrayBuffer: () => (read.push(file.name), arrayBuffer()) });
    };
    await session.addFiles([watched(pdf('scan.pdf', 'same')), watched(pdf('other.pdf', 'different length'))]);
    assert.deepEqual(read, [], 'no two files of one size yet: nothing hashed');
    const { files, rejected } = await session.addFiles([
      watched(pdf('scan copy.pdf', 'same', 99)),
      watched(pdf('look-alike.pdf', 'samf', 99)),
    ]);
    assert.deepEqual(rejected.map((r) => [r.name, r.code]), [['scan copy.pdf', 'DUPLICATE_FILE']]);
    assert.deepEqual(files.map((f) => f.name), ['look-alike.pdf'], 'same size, other bytes: accepted');
    assert.deepEqual(read.sort(), ['look-alike.pdf', 'scan copy.pdf', 'scan.pdf']);

    const plain = offlineSession();
    await plain.addFiles([pdf('scan.pdf', 'same')]);
    assert.equal((await plain.addFiles([pdf('scan copy.pdf', 'same', 99)])).files.length, 1, 'off by default');
  });

  it('refuses files beyond the batch limit, saying the limit', async () => {
    const session = offlineSession();
    const { files, rejected } = await session.addFiles(['1', '2', '3', '4'].map((n) => pdf(`${n}.pdf`)));
    assert.equal(files.length, 3);
    assert.equal(rejected[0]!.code, 'TOO_MANY_FILES');
    assert.equal(rejected[0]!.message, 'Too many files: a batch holds at most 3 files.');
  });

  it('adds 1,000 files in a single state update', async () => {
    const session = offlineSession({ max_files: 1_000 });
    let updates = 0;
    session.subscribe(() => (updates += 1));
    const many = Array.from({ length: 1_000 }, (_, i) => pdf(`doc-${i}.pdf`));
    const started = performance.now();
    const { files } = await session.addFiles(many);
    assert.equal(files.length, 1_000);
    assert.equal(updates, 1);
    assert.equal(selectCounts(session.getState()).queued, 1_000);
    assert.ok(performance.now() - started < 2_000, 'adding 1,000 files stays fast');
  });

  it('reads the first bytes of many files in order, never more than the pool at once', async () => {
    let reading = 0;
    let most = 0;
    const files = Array.from({ length: 300 }, (_, i) => {
      const blob = new Blob([i % 2 ? PDF : PNG]);
      const slice = blob.slice.bind(blob);
      return Object.assign(blob, {
        slice: (start?: number, end?: number) => {
          most = Math.max(most, ++reading);
          const part = slice(start, end);
          const read = part.arrayBuffer.bind(part);
          return Object.assign(part, { arrayBuffer: () => read().finally(() => (reading -= 1)) });
        },
      });
    });
    const heads = await readHeads(files, 8);
    assert.equal(heads.length, 300);
    assert.deepEqual(heads.map((h) => (h ? sniffType(h) : null)).slice(0, 4), ['image/png', 'application/pdf', 'image/png', 'application/pdf']);
    assert.ok(most <= 8, `at most 8 reads at once, saw ${most}`);
  });

  it('removes and clears files before the upload', async () => {
    const session = offlineSession();
    const { files, rejected } = await session.addFiles([pdf('a.pdf'), pdf('b.pdf'), new File(['x'], 'c.txt')]);
    session.removeFile(files[0]!.id);
    session.removeFile(rejected[0]!.id);
    assert.deepEqual(session.getState().files.map((f) => f.name), ['b.pdf']);
    assert.equal(session.getState().rejected.length, 0);
    session.clear();
    assert.equal(session.getState().files.length, 0);
    assert.equal(selectCanStart(session.getState()), false);
  });

  it('clearRejected forgets the refusals in one update and keeps the files', async () => {
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf'), new File([], 'empty.pdf'), new File(['text'], 'note.pdf')]);
    await session.whenChecked();
    let updates = 0;
    session.subscribe(() => (updates += 1));
    session.clearRejected();
    assert.deepEqual(session.getState().rejected, []);
    assert.deepEqual(session.getState().files.map((f) => f.name), ['a.pdf']);
    session.clearRejected();
    assert.equal(updates, 1, 'nothing to forget: no update');
  });

  it('asks the server for limits once when none are given', async () => {
    let asked = 0;
    server.use(
      http.get(`${ENDPOINT}/limits`, () => {
        asked += 1;
        return HttpResponse.json({ status: 'success', limits: { ...limits, max_files: 1 } });
      }),
    );
    const session = new BatchSession({ client: { endpoint: ENDPOINT } });
    const [first, second] = await Promise.all([session.addFiles([pdf('a.pdf')]), session.addFiles([pdf('b.pdf')])]);
    assert.equal(first.files.length + second.files.length, 1);
    assert.equal(asked, 1);
    assert.equal(session.getState().limits?.max_files, 1);
  });

  it('loadLimits shows the limits before any file is added, asking the server once', async () => {
    let asked = 0;
    server.use(
      http.get(`${ENDPOINT}/limits`, () => {
        asked += 1;
        return HttpResponse.json({ status: 'success', limits: { ...limits, max_files: 7 } });
      }),
    );
    const session = new BatchSession({ client: { endpoint: ENDPOINT } });
    assert.equal(session.getState().limits, null);
    const [a, b] = await Promise.all([session.loadLimits(), session.loadLimits()]);
    assert.equal(a.max_files, 7);
    assert.equal(b.max_files, 7);
    assert.equal(session.getState().limits?.max_files, 7);
    await session.addFiles([pdf('a.pdf')]);
    assert.equal(asked, 1);
  });

  it('loadLimits answers the given limits without asking the server', async () => {
    const session = offlineSession({ max_files: 2 });
    assert.equal((await session.loadLimits()).max_files, 2);
  });
});

describe('derived state', () => {
  const state = (statuses: SessionFileStatus[], phase: SessionState['phase']): SessionState => ({
    phase,
    files: statuses.map((status, i) => ({
      id: `f${i}`,
      name: `${i}.pdf`,
      size: 100,
      type: 'application/pdf',
      lastModified: 0,
      file: null,
      status,
      bytesSent: status === 'uploading' ? 50 : 0,
      fileId: null,
      error: null,
      result: undefined,
    })),
    rejected: [],
    batchId: null,
    batchStatus: null,
    channel: null,
    limits: null,
    error: null,
  });

  it('counts, percent and summary are computed from the files', () => {
    const finished = state([...Array<SessionFileStatus>(47).fill('completed'), 'failed', 'failed', 'failed'], 'finished');
    assert.equal(selectSummary(finished), '47 succeeded, 3 failed');
    assert.equal(selectCounts(finished).finished, 50);
    assert.equal(selectProgress(finished).percent, 100);
    assert.equal(selectCounts(finished), selectCounts(finished), 'cached per file list');

    const uploading = state(['uploading', 'uploading'], 'uploading');
    assert.equal(selectProgress(uploading).percent, 50);
    assert.equal(selectSummary(uploading), null);

    const processing = state(['completed', 'processing', 'pending', 'cancelled'], 'processing');
    assert.equal(selectProgress(processing).percent, 50);
    assert.equal(formatSummary(selectCounts(processing)), '1 succeeded, 0 failed, 1 cancelled');
  });
});

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
        assert.deepEqual(form.getAll('files').map((f) => (f as File).name), ['a.pdf', 'b.pdf']);
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
    assert.deepEqual(state.files.map((f) => f.status), ['completed', 'cancelled']);
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
          batch: retried ? fakeBatch('r1', ['completed', 'completed'], 'completed', true) : fakeBatch('r1', ['completed', 'failed'], 'completed', true),
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
    assert.deepEqual(state.files.map((f) => [f.name, f.status]), [['a.pdf', 'completed'], ['b.pdf', 'completed']]);
    assert.equal(selectCanRetry(state), false);
    session.dispose();
  });

  it('retryFailed works for an attached batch (no bytes), and 409 NOTHING_TO_RETRY is a typed error kept in the state', async () => {
    serveBatch([fakeBatch('b8', ['failed', 'completed'], 'completed', true)]);
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

  it('a cancelled batch or one without failed files offers no retry', () => {
    const base = { ...offlineSession().getState(), phase: 'finished' as const, batchId: 'b1' };
    const failed = { id: 'f1', name: 'a.pdf', size: 1, type: '', lastModified: 0, file: null, status: 'failed' as const, bytesSent: 1, fileId: 'x', error: { code: 'CORRUPT_FILE', message: '' }, result: undefined };
    assert.ok(selectCanRetry({ ...base, batchStatus: 'completed', files: [failed] }));
    assert.equal(selectCanRetry({ ...base, batchStatus: 'cancelled', files: [failed] }), false);
    assert.equal(selectCanRetry({ ...base, batchStatus: 'completed', files: [{ ...failed, error: { code: 'UNSUPPORTED_TYPE', message: '' } }] }), false);
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
