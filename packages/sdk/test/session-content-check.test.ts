/**
 * Files that declare an accepted type are queued at once and their first bytes read in
 * the background: a mislabelled file leaves the queue for the refusals, an upload never
 * sends a file before its check, and a file removed meanwhile stays removed.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import { BatchSession, selectCanStart, selectCounts, type RejectedFile } from '../src/index.js';
import { ENDPOINT, PDF, PNG, fakeBatch, until } from './helpers.js';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

const UNSUPPORTED = 'This file is not a PDF, PNG, JPEG, TIFF or WebP document.';

function offlineSession(limits: Partial<Limits> = {}) {
  return new BatchSession({
    client: { endpoint: ENDPOINT, liveMode: 'polling', pollIntervalMs: 10 },
    limits: { ...DEFAULT_LIMITS, max_files: 50, ...limits },
  });
}

const pdf = (name: string, lastModified = 1) => new File([PDF], name, { type: 'application/pdf', lastModified });

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** The file, whose reads of a part (the check's first bytes) finish only once `opened` resolved; counts them in `reads`. */
function slowToRead(file: File, opened: Promise<void>, reads: { count: number } = { count: 0 }): File {
  const slice = file.slice.bind(file);
  return Object.assign(file, {
    slice: (start?: number, end?: number) => {
      reads.count += 1;
      const part = slice(start, end);
      const read = part.arrayBuffer.bind(part);
      return Object.assign(part, { arrayBuffer: () => opened.then(read) });
    },
  });
}

/** Answers uploads as batch `id` and records the names of the files sent. */
function acceptUploads(id: string, sent: string[][]) {
  server.use(
    http.post(`${ENDPOINT}/batch-upload`, async ({ request }) => {
      const form = await request.formData();
      const names = form.getAll('files').map((f) => (f as File).name);
      sent.push(names);
      return HttpResponse.json({ status: 'success', batch_id: id, total_files: names.length, message: '', tracking_url: '', events_url: '' }, { status: 202 });
    }),
    http.get(`${ENDPOINT}/batch-status/${id}`, () => HttpResponse.json({ status: 'success', batch: fakeBatch(id, ['pending']) })),
  );
}

describe('BatchSession: files queued by their declared type, checked by content in the background', () => {
  it('queues 1,000 typed files in one state update before reading a byte of them', async () => {
    const session = offlineSession({ max_files: 1_000 });
    const reads = { count: 0 };
    const { opened, open } = gate();
    const files = Array.from({ length: 1_000 }, (_, i) => slowToRead(pdf(`doc-${i}.pdf`, i), opened, reads));
    let updates = 0;
    session.subscribe(() => (updates += 1));

    const { files: queued, rejected } = await session.addFiles(files);
    assert.equal(queued.length, 1_000);
    assert.equal(rejected.length, 0);
    assert.equal(updates, 1);
    assert.equal(selectCounts(session.getState()).queued, 1_000);
    assert.ok(selectCanStart(session.getState()), 'they can be sent');
    assert.equal(reads.count, 0, 'no file read before it was queued');

    open();
    await session.whenChecked();
    assert.equal(reads.count, 1_000, 'every file read once, afterwards');
    assert.equal(updates, 1, 'documents that are what they say: no further update');
    session.dispose();
  });

  it('a .pdf that holds text or, where only PDFs are accepted, a PNG leaves the queue with the usual reason', async () => {
    const session = offlineSession({ accepted_types: ['application/pdf'] });
    const refusals: Array<readonly RejectedFile[]> = [];
    session.on('files-rejected', ({ rejected }) => refusals.push(rejected));
    const { files } = await session.addFiles([
      pdf('good.pdf'),
      new File(['just some text'], 'notes.pdf', { type: 'application/pdf' }),
      new File([PNG], 'photo.pdf'), // No MIME type: the extension declares PDF.
    ]);
    assert.deepEqual(
      files.map((f) => [f.name, f.status]),
      [
        ['good.pdf', 'queued'],
        ['notes.pdf', 'queued'],
        ['photo.pdf', 'queued'],
      ],
    );

    await session.whenChecked();
    const state = session.getState();
    assert.deepEqual(
      state.files.map((f) => f.name),
      ['good.pdf'],
    );
    assert.deepEqual(
      state.rejected.map((r) => [r.name, r.code, r.message]),
      [
        ['notes.pdf', 'UNSUPPORTED_TYPE', UNSUPPORTED],
        ['photo.pdf', 'UNSUPPORTED_TYPE', UNSUPPORTED],
      ],
    );
    assert.deepEqual(
      refusals.map((r) => r.map((f) => f.name)),
      [['notes.pdf', 'photo.pdf']],
      'one event for the round',
    );
    session.dispose();
  });

  it('a .pdf that holds a PNG stays when PNGs are accepted, with the type its content says (as before)', async () => {
    const session = offlineSession();
    await session.addFiles([new File([PNG], 'photo.pdf', { type: 'application/pdf' })]);
    assert.equal(session.getState().files[0]!.type, 'application/pdf', 'the declared type until the check');
    await session.whenChecked();
    assert.deepEqual(
      session.getState().files.map((f) => [f.name, f.type]),
      [['photo.pdf', 'image/png']],
    );
    assert.equal(session.getState().rejected.length, 0);
    session.dispose();
  });

  it('reads a file that declares no accepted type before deciding on it, as before', async () => {
    const session = offlineSession();
    const { files, rejected } = await session.addFiles([
      new File([PNG], 'scan'), // No type, no extension.
      new File([PDF], 'letter.txt', { type: 'text/plain' }), // A PDF after all.
      new File(['plain text'], 'readme'),
    ]);
    assert.deepEqual(
      files.map((f) => [f.name, f.type]),
      [
        ['scan', 'image/png'],
        ['letter.txt', 'application/pdf'],
      ],
    );
    assert.deepEqual(
      rejected.map((r) => [r.name, r.code]),
      [['readme', 'UNSUPPORTED_TYPE']],
    );
    session.dispose();
  });

  it('start() before the checks ended sends only the files that passed them', async () => {
    const sent: string[][] = [];
    acceptUploads('b-check', sent);
    const session = offlineSession();
    const { opened, open } = gate();
    await session.addFiles([pdf('good.pdf'), slowToRead(new File(['not a document'], 'bad.pdf', { type: 'application/pdf' }), opened), pdf('other.pdf')]);
    const started: string[][] = [];
    session.on('upload-started', ({ files }) => started.push(files.map((f) => f.name)));

    const starting = session.start();
    assert.equal(session.getState().phase, 'uploading', 'the upload shows as begun at once');
    assert.deepEqual(selectCounts(session.getState()).uploading, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(sent, [], 'nothing sent while a check runs');
    open();
    assert.equal(await starting, 'b-check');

    assert.deepEqual(sent, [['good.pdf', 'other.pdf']]);
    assert.deepEqual(started, [['good.pdf', 'other.pdf']]);
    const state = session.getState();
    assert.deepEqual(
      state.files.map((f) => f.name),
      ['good.pdf', 'other.pdf'],
    );
    assert.deepEqual(
      state.rejected.map((r) => [r.name, r.code]),
      [['bad.pdf', 'UNSUPPORTED_TYPE']],
    );
    session.dispose();
  });

  it('start() while every file fails its check sends nothing and rejects, back in idle', async () => {
    const sent: string[][] = [];
    acceptUploads('b-none', sent);
    const session = offlineSession();
    const { opened, open } = gate();
    await session.addFiles([slowToRead(new File(['text'], 'a.pdf', { type: 'application/pdf' }), opened)]);
    const starting = session.start();
    open();
    await assert.rejects(starting, /no file passed the check/);
    assert.equal(session.getState().phase, 'idle');
    assert.deepEqual(
      session.getState().rejected.map((r) => r.name),
      ['a.pdf'],
    );
    assert.deepEqual(sent, []);
    session.dispose();
  });

  it('cancel() while start() waits for the checks puts the files back in the queue; the check still ends', async () => {
    const sent: string[][] = [];
    acceptUploads('b-cancel', sent);
    const session = offlineSession();
    const { opened, open } = gate();
    await session.addFiles([pdf('good.pdf'), slowToRead(new File(['text'], 'bad.pdf', { type: 'application/pdf' }), opened)]);
    const starting = session.start();
    await session.cancel();
    await assert.rejects(starting, { name: 'AbortError' });
    assert.equal(session.getState().phase, 'idle');
    assert.deepEqual(
      session.getState().files.map((f) => [f.name, f.status]),
      [
        ['good.pdf', 'queued'],
        ['bad.pdf', 'queued'],
      ],
    );
    open();
    await session.whenChecked();
    assert.deepEqual(
      session.getState().files.map((f) => f.name),
      ['good.pdf'],
    );
    assert.deepEqual(
      session.getState().rejected.map((r) => r.name),
      ['bad.pdf'],
    );
    assert.deepEqual(sent, []);
    session.dispose();
  });

  it('a file removed, cleared or reset while its check runs never comes back, not even as a refusal', async () => {
    for (const drop of ['removeFile', 'clear', 'reset'] as const) {
      const session = offlineSession();
      const { opened, open } = gate();
      const reads = { count: 0 };
      const refusals: RejectedFile[] = [];
      session.on('files-rejected', ({ rejected }) => refusals.push(...rejected));
      const { files } = await session.addFiles([pdf('keep.pdf'), slowToRead(new File(['text'], 'bad.pdf', { type: 'application/pdf' }), opened, reads)]);
      await until(() => reads.count > 0); // Its check is under way.
      if (drop === 'removeFile') session.removeFile(files[1]!.id);
      else session[drop]();
      open();
      await session.whenChecked();
      // A round of reads may end after whenChecked: give it time to (wrongly) show itself.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const state = session.getState();
      assert.deepEqual(
        state.files.map((f) => f.name),
        drop === 'removeFile' ? ['keep.pdf'] : [],
        drop,
      );
      assert.deepEqual(state.rejected, [], drop);
      assert.deepEqual(refusals, [], drop);
      session.dispose();
    }
  });

  it('dispose() stops the checks: no update afterwards, and whenChecked() rejects', async () => {
    const session = offlineSession();
    const { opened, open } = gate();
    await session.addFiles([slowToRead(new File(['text'], 'bad.pdf', { type: 'application/pdf' }), opened)]);
    const checked = session.whenChecked();
    const before = session.getState();
    session.dispose();
    await assert.rejects(checked, { name: 'AbortError' });
    open();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(session.getState(), before);
    await assert.rejects(session.whenChecked(), { name: 'AbortError' });
  });
});
