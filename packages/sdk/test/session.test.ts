import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import {
  BatchSession,
  formatSummary,
  readHeads,
  selectCanStart,
  selectCounts,
  selectProgress,
  selectSummary,
  sniffType,
  type SessionFileStatus,
  type SessionState,
} from '../src/index.js';
import { ENDPOINT, PDF, PNG } from './helpers.js';

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
    assert.deepEqual(
      files.map((f) => [f.name, f.type, f.status]),
      [
        ['a.pdf', 'application/pdf', 'queued'],
        ['scan', 'image/png', 'queued'],
        ['fake.pdf', 'application/pdf', 'queued'],
      ],
    );
    assert.deepEqual(
      rejected.map((r) => [r.name, r.code]),
      [
        ['big.pdf', 'FILE_TOO_LARGE'],
        ['empty.pdf', 'EMPTY_FILE'],
      ],
    );
    assert.match(rejected[0]!.message, /^A file is larger than the [\d.]+ MB limit\.$/);
    await session.whenChecked();
    const state = session.getState();
    assert.deepEqual(
      state.files.map((f) => f.name),
      ['a.pdf', 'scan'],
    );
    assert.deepEqual(
      state.rejected.map((r) => [r.name, r.code]),
      [
        ['big.pdf', 'FILE_TOO_LARGE'],
        ['empty.pdf', 'EMPTY_FILE'],
        ['fake.pdf', 'UNSUPPORTED_TYPE'],
      ],
    );
    assert.equal(state.rejected[2]!.message, 'This file is not a PDF, PNG, JPEG, TIFF or WebP document.');
  });

  it('refuses a duplicate (same name, size and modification time) but not a same-named different file', async () => {
    const session = offlineSession();
    await session.addFiles([pdf('a.pdf')]);
    const { files, rejected } = await session.addFiles([pdf('a.pdf'), pdf('a.pdf', 'longer'), pdf('a.pdf', '', 2)]);
    assert.equal(files.length, 2);
    assert.deepEqual(
      rejected.map((r) => [r.code, r.message]),
      [['DUPLICATE_FILE', 'This file is already in the batch.']],
    );
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
    const { files, rejected } = await session.addFiles([watched(pdf('scan copy.pdf', 'same', 99)), watched(pdf('look-alike.pdf', 'samf', 99))]);
    assert.deepEqual(
      rejected.map((r) => [r.name, r.code]),
      [['scan copy.pdf', 'DUPLICATE_FILE']],
    );
    assert.deepEqual(
      files.map((f) => f.name),
      ['look-alike.pdf'],
      'same size, other bytes: accepted',
    );
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
    assert.deepEqual(
      session.getState().files.map((f) => f.name),
      ['b.pdf'],
    );
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
    assert.deepEqual(
      session.getState().files.map((f) => f.name),
      ['a.pdf'],
    );
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
    connection: 'connected',
    interrupted: null,
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
