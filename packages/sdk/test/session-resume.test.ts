import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_LIMITS } from '@batch-uploader/protocol';
import { BatchSession, isApiError, type BatchIdStorage } from '../src/index.js';
import { ENDPOINT, PDF, errorBody, fakeBatch, memoryStorage, until } from './helpers.js';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

const client = { endpoint: ENDPOINT, liveMode: 'polling' as const, pollIntervalMs: 10 };

describe('BatchSession: resume after a reload (headless)', () => {
  it('keeps only the batch id while the batch runs; a new session follows it again with restore(); it is forgotten once the batch finished', async () => {
    let finished = false;
    server.use(
      http.post(`${ENDPOINT}/batch-upload`, () =>
        HttpResponse.json({ status: 'success', batch_id: 'k1', total_files: 1, message: '', tracking_url: '', events_url: '' }, { status: 202 }),
      ),
      http.get(`${ENDPOINT}/batch-status/:id`, () =>
        HttpResponse.json({ status: 'success', batch: finished ? fakeBatch('k1', ['completed'], 'completed', true) : fakeBatch('k1', ['processing']) }),
      ),
    );
    const storage = memoryStorage();
    const resume = { key: 'uploads', storage };
    const first = new BatchSession({ client, limits: DEFAULT_LIMITS, resume });
    await first.addFiles([new File([PDF], 'secret-name.pdf', { type: 'application/pdf' })]);
    await first.start({ patient_id: 'P-77' });
    assert.deepEqual([...storage.entries], [['uploads', 'k1']], 'the batch id, nothing else');
    first.dispose(); // The page went away.

    const second = new BatchSession({ client, limits: DEFAULT_LIMITS, resume });
    assert.equal(await second.restore(), 'k1');
    assert.equal(second.getState().phase, 'processing');
    assert.deepEqual(
      second.getState().files.map((f) => f.name),
      ['doc0.pdf'],
      'the files come from the server',
    );
    finished = true;
    await second.whenFinished();
    assert.equal(storage.entries.size, 0, 'a finished batch has nothing to pick up: forgotten');
    second.reset();
    assert.equal(await second.restore(), null);
    second.dispose();
  });

  it('forgets a batch the server does not know, telling of it as an error event; a session with files restores nothing', async () => {
    server.use(
      http.get(`${ENDPOINT}/batch-status/:id`, () => HttpResponse.json(errorBody('BATCH_NOT_FOUND', 'No batch with that id was found.'), { status: 404 })),
    );
    const storage = memoryStorage();
    storage.setItem('uploads', 'gone');
    const session = new BatchSession({ client, limits: DEFAULT_LIMITS, resume: { key: 'uploads', storage } });
    const errors: unknown[] = [];
    session.on('error', ({ error }) => errors.push(error));
    assert.equal(await session.restore(), null);
    assert.equal(errors.length, 1);
    assert.ok(isApiError(errors[0]) && errors[0].code === 'BATCH_NOT_FOUND');
    assert.equal(storage.entries.size, 0);
    assert.equal(session.getState().phase, 'idle');

    storage.setItem('uploads', 'other');
    await session.addFiles([new File([PDF], 'a.pdf', { type: 'application/pdf' })]);
    assert.equal(await session.restore(), null, 'files already picked: nothing replaces them');
    assert.equal(storage.entries.get('uploads'), 'other');
    session.dispose();
  });

  it('an upload whose later requests failed while the server was away shows as interrupted; the files failed here can be sent again', async () => {
    let appended = 0;
    let up = false;
    const held = () => {
      const batch = fakeBatch('h1', appended > 0 ? ['completed', 'pending', 'pending'] : ['completed']);
      return { ...batch, expected_files: 3, accepting_files: appended === 0 };
    };
    let requests = 0;
    server.use(
      http.post(`${ENDPOINT}/batches`, () =>
        HttpResponse.json({ status: 'success', batch_id: 'h1', accepting_files: true, upload_url: '', tracking_url: '', events_url: '' }, { status: 201 }),
      ),
      http.post(`${ENDPOINT}/batch/h1/files`, () => {
        // The first part arrives; the server goes away before the next.
        if (++requests === 1) {
          return HttpResponse.json(
            { status: 'success', batch_id: 'h1', appended_files: 1, total_files: 1, file_ids: ['h1-f0'], message: '', tracking_url: '', events_url: '' },
            { status: 202 },
          );
        }
        if (!up) return HttpResponse.error();
        appended = 2;
        return HttpResponse.json(
          { status: 'success', batch_id: 'h1', appended_files: 2, total_files: 3, file_ids: ['h1-f1', 'h1-f2'], message: '', tracking_url: '', events_url: '' },
          { status: 202 },
        );
      }),
      http.post(`${ENDPOINT}/batch/h1/close`, () => HttpResponse.error()),
      http.get(`${ENDPOINT}/batch-status/:id`, () => HttpResponse.json({ status: 'success', batch: held() })),
    );
    const session = new BatchSession({ client: { ...client, uploadPartFiles: 1, uploadRetries: 0 }, limits: DEFAULT_LIMITS });
    const interruptions: unknown[] = [];
    session.on('upload-interrupted', (detail) => interruptions.push(detail));
    const files = ['a.pdf', 'b.pdf', 'c.pdf'].map((name) => new File([PDF], name, { type: 'application/pdf' }));
    await session.addFiles(files);
    await assert.rejects(session.start());
    await until(() => session.getState().interrupted !== null);
    assert.deepEqual(session.getState().interrupted, { received: 1, expected: 3, sending: false });
    assert.deepEqual(interruptions, [{ batchId: 'h1', received: 1, expected: 3 }]);
    assert.deepEqual(
      session.getState().files.map((f) => f.status),
      ['completed', 'failed', 'failed'],
    );

    up = true;
    assert.deepEqual(await session.addMissingFiles(files), { sent: 2, alreadySent: 1 }, 'the failed ones go again, not the one the server has');
    assert.deepEqual(
      session.getState().files.map((f) => [f.name, f.status]),
      [
        ['a.pdf', 'completed'],
        ['b.pdf', 'pending'],
        ['c.pdf', 'pending'],
      ],
    );
    assert.equal(session.getState().interrupted, null);
    session.dispose();
  });

  it('without the option, restore() does nothing and nothing is stored', async () => {
    const session = new BatchSession({ client, limits: DEFAULT_LIMITS });
    assert.equal(await session.restore(), null);
    session.dispose();
  });
});
