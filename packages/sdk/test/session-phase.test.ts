import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import {
  BatchSession,
  PHASE_TRANSITIONS,
  isSessionError,
  nextPhase,
  selectCanRetry,
  selectCanStart,
  selectCounts,
  selectRetryableCount,
  type SessionFile,
  type BatchSessionEventMap,
  type PhaseEvent,
  type SessionPhase,
} from '../src/index.js';
import { ENDPOINT, PDF, PNG, fakeBatch, until } from './helpers.js';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

const limits: Limits = { ...DEFAULT_LIMITS, max_files: 3, max_file_size: 1_000 };
const pdf = (name: string) => new File([PDF], name, { type: 'application/pdf', lastModified: 1 });

describe('the session phases', () => {
  it('are one table: a batch goes idle → uploading → processing → finished, a retry reopens it, a reset always ends in idle', () => {
    const walk = (from: SessionPhase, events: PhaseEvent[]) => events.reduce(nextPhase, from);
    assert.equal(walk('idle', ['start', 'sent', 'finished', 'reopened', 'finished']), 'finished');
    assert.equal(walk('idle', ['start', 'stopped']), 'idle', 'an upload that stored nothing goes back to picking files');
    assert.equal(walk('idle', ['attached', 'finished']), 'finished');
    for (const phase of Object.keys(PHASE_TRANSITIONS) as SessionPhase[]) assert.equal(nextPhase(phase, 'reset'), 'idle', phase);
    assert.equal(nextPhase('processing', 'reopened'), 'processing', 'only a finished batch reopens');
    assert.equal(nextPhase('finished', 'sent'), 'finished', 'a late answer changes nothing');
    assert.equal(nextPhase('idle', 'finished'), 'finished', 'attach() of a finished batch');
  });
});

describe('BatchSession: files being decided are in the state as checking', () => {
  it('lists files at once as checking while the limits are asked, then queues or refuses them in one more update', async () => {
    server.use(
      http.get(`${ENDPOINT}/limits`, async () => {
        await delay(50);
        return HttpResponse.json({ status: 'success', limits });
      }),
    );
    const session = new BatchSession({ client: { endpoint: ENDPOINT } });
    let updates = 0;
    session.subscribe(() => (updates += 1));
    const adding = session.addFiles([pdf('a.pdf'), new File([PNG], 'scan'), new File([], 'empty.pdf')]);
    const listed = session.getState();
    assert.deepEqual(
      listed.files.map((f) => [f.name, f.status]),
      [
        ['a.pdf', 'checking'],
        ['scan', 'checking'],
        ['empty.pdf', 'checking'],
      ],
    );
    assert.equal(selectCounts(listed).checking, 3);
    assert.equal(selectCanStart(listed), false, 'nothing to send while checking');
    const { files, rejected } = await adding;
    assert.deepEqual(
      files.map((f) => [f.name, f.status, f.type]),
      [
        ['a.pdf', 'queued', 'application/pdf'],
        ['scan', 'queued', 'image/png'],
      ],
    );
    assert.deepEqual(
      rejected.map((r) => r.code),
      ['EMPTY_FILE'],
    );
    const state = session.getState();
    assert.deepEqual(
      state.files.map((f) => [f.id, f.status]),
      files.map((f) => [f.id, 'queued']),
      'the same ids, in place',
    );
    assert.equal(updates, 3, 'the limits, then the verdicts');
    session.dispose();
  });

  it('a file removed while it is checked never comes back', async () => {
    server.use(
      http.get(`${ENDPOINT}/limits`, async () => {
        await delay(30);
        return HttpResponse.json({ status: 'success', limits });
      }),
    );
    const session = new BatchSession({ client: { endpoint: ENDPOINT } });
    const refused: Array<BatchSessionEventMap['files-rejected']> = [];
    session.on('files-rejected', (detail) => refused.push(detail));
    const adding = session.addFiles([pdf('keep.pdf'), new File([], 'gone.pdf')]);
    session.removeFile(session.getState().files[1]!.id);
    const { files, rejected } = await adding;
    assert.deepEqual(
      files.map((f) => f.name),
      ['keep.pdf'],
    );
    assert.deepEqual(rejected, []);
    assert.deepEqual(refused, []);
    assert.deepEqual(
      session.getState().files.map((f) => f.name),
      ['keep.pdf'],
    );
    session.dispose();
  });

  it('tells of refusals when they are made: at once with afterCheck false', async () => {
    const session = new BatchSession({ client: { endpoint: ENDPOINT }, limits });
    const refused: Array<BatchSessionEventMap['files-rejected']> = [];
    session.on('files-rejected', (detail) => refused.push(detail));
    await session.addFiles([pdf('a.pdf'), new File([], 'empty.pdf')]);
    assert.deepEqual(
      refused.map((r) => [r.afterCheck, r.rejected.map((f) => f.code)]),
      [[false, ['EMPTY_FILE']]],
    );
    session.dispose();
  });
});

describe('BatchSession: intents it cannot carry out are SDK errors with protocol codes', () => {
  it('NO_FILES to start with nothing queued, NOTHING_TO_RETRY without a failed file, BATCH_NOT_OPEN for files after the start', async () => {
    const session = new BatchSession({ client: { endpoint: ENDPOINT, liveMode: 'polling', pollIntervalMs: 10 }, limits });
    const nothing = await session.start().catch((e: unknown) => e);
    assert.ok(isSessionError(nothing) && nothing.code === 'NO_FILES', String(nothing));
    const noRetry = await session.retryFailed().catch((e: unknown) => e);
    assert.ok(isSessionError(noRetry) && noRetry.code === 'NOTHING_TO_RETRY', String(noRetry));
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, async () => {
        await delay(30);
        return HttpResponse.json({ status: 'success', batch_id: 'n1', total_files: 1, message: '', tracking_url: '', events_url: '' }, { status: 202 });
      }),
      http.get(`${ENDPOINT}/batch-status/:id`, () => HttpResponse.json({ status: 'success', batch: fakeBatch('n1', ['completed'], 'completed', true) })),
    );
    await session.addFiles([pdf('a.pdf')]);
    const started = session.start();
    const late = await session.addFiles([pdf('b.pdf')]).catch((e: unknown) => e);
    assert.ok(isSessionError(late) && late.code === 'BATCH_NOT_OPEN', String(late));
    assert.equal(await started, 'n1');
    await session.whenFinished();
    session.dispose();
  });
});

describe('BatchSession: events of the batch', () => {
  it('batch-created before any progress of the batch, progress on changes only, paused and resumed from the server, then finished', async () => {
    const script = [
      fakeBatch('e1', ['processing', 'pending']),
      fakeBatch('e1', ['completed', 'pending'], 'paused'),
      fakeBatch('e1', ['completed', 'pending'], 'paused'),
      fakeBatch('e1', ['completed', 'processing']),
      fakeBatch('e1', ['completed', 'completed'], 'completed', true),
    ];
    let polls = 0;
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, () =>
        HttpResponse.json({ status: 'success', batch_id: 'e1', total_files: 2, message: '', tracking_url: '', events_url: '' }, { status: 202 }),
      ),
      http.get(`${ENDPOINT}/batch-status/:id`, () => HttpResponse.json({ status: 'success', batch: script[Math.min(polls++, script.length - 1)] })),
    );
    const session = new BatchSession({ client: { endpoint: ENDPOINT, liveMode: 'polling', pollIntervalMs: 5 }, limits });
    const seen: string[] = [];
    session.on('batch-created', ({ batchId, totalFiles }) => seen.push(`created ${batchId} ${totalFiles}`));
    session.on('progress', ({ batchId, phase, percent, counts }) =>
      seen.push(`progress ${batchId ?? '-'} ${phase} ${percent} (${counts.pending} pending, ${counts.processing} processing)`),
    );
    session.on('batch-paused', ({ batchId }) => seen.push(`paused ${batchId}`));
    session.on('batch-resumed', ({ batchId }) => seen.push(`resumed ${batchId}`));
    session.on('batch-finished', ({ counts }) => seen.push(`finished ${counts.completed}`));
    await session.addFiles([pdf('a.pdf'), pdf('b.pdf')]);
    assert.equal(seen.length, 0, 'no progress while files are picked');
    await session.start();
    await session.whenFinished();
    await until(() => seen.at(-1) === 'finished 2');
    const created = seen.indexOf('created e1 2');
    assert.ok(created >= 0, seen.join('\n'));
    assert.ok(
      seen.slice(0, created).every((line) => line.startsWith('progress - ')),
      'no progress names the batch before batch-created',
    );
    const after = seen.slice(created + 1);
    assert.deepEqual(
      after.filter((line) => !line.startsWith('progress')),
      ['paused e1', 'resumed e1', 'finished 2'],
    );
    assert.ok(after.includes('progress e1 processing 50 (1 pending, 0 processing)'), after.join('\n'));
    assert.ok(after.includes('progress e1 finished 100 (0 pending, 0 processing)'), after.join('\n'));
    assert.equal(new Set(after).size, after.length, 'each change told once');
    session.dispose();
  });
});

describe('selectRetryableCount', () => {
  it('counts the failed files the server kept and another try may make succeed, in a finished batch that was not cancelled', () => {
    const base = {
      ...new BatchSession({ client: { endpoint: ENDPOINT }, limits }).getState(),
      phase: 'finished' as const,
      batchId: 'b1',
      batchStatus: 'completed' as const,
    };
    const failed: SessionFile = {
      id: 'f1',
      name: 'a.pdf',
      size: 1,
      type: '',
      lastModified: 0,
      file: null,
      status: 'failed',
      bytesSent: 1,
      fileId: 'x',
      error: { code: 'PROCESSING_FAILED', message: '' },
      result: undefined,
    };
    const files = [
      failed,
      { ...failed, id: 'f2', error: { code: 'PROCESSING_TIMEOUT', message: '' } },
      { ...failed, id: 'f3', error: { code: 'UNREADABLE_SCAN', message: '' } }, // a processor's own refusal: fails the same way again
      { ...failed, id: 'f4', error: { code: 'UNSUPPORTED_TYPE', message: '' } }, // refused at upload: no bytes kept
      { ...failed, id: 'f5', error: { code: 'CORRUPT_FILE', message: '' } }, // fails the same way every time
      { ...failed, id: 'f6', error: { code: 'TOO_COMPLEX', message: '' } },
      { ...failed, id: 'f7', purgedAt: '2026-01-02T00:00:00.000Z' }, // retention removed its bytes
      { ...failed, id: 'f8', fileId: null }, // never reached the server
      { ...failed, id: 'f9', status: 'completed' as const },
    ];
    assert.equal(selectRetryableCount({ ...base, files }), 2);
    assert.equal(selectCanRetry({ ...base, files }), true);
    assert.equal(selectRetryableCount({ ...base, batchStatus: 'cancelled', files }), 0);
    assert.equal(selectRetryableCount({ ...base, phase: 'processing', files }), 0);
    assert.equal(selectCanRetry({ ...base, files: files.slice(3) }), false);
  });
});
