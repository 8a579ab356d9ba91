/**
 * The browser bundle (dist/batch-uploader-sdk.js, built by `rollup -c`) in Chromium,
 * against the real demo server (proxied same-origin by web-test-runner.config.mjs):
 * uploads go through XMLHttpRequest with byte progress, live updates through
 * Server-Sent Events read with fetch.
 */
import type * as Sdk from '../../src/index.js';
import { paddedPdf } from '@batch-uploader/test-support/pdf';

declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void> | void) => void;
declare const before: (body: () => Promise<void> | void) => void;

const ENDPOINT = new URL('/api/gp', location.href).href;
let sdk: typeof Sdk;

function ok(value: unknown, message: string): asserts value {
  if (!value) throw new Error(message);
}
function equal<T>(actual: T, expected: T, message = ''): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${message} expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** A valid one-page PDF, padded with an unreferenced stream of `padBytes` random bytes. */
function makePdf(padBytes = 0): File {
  return new File([paddedPdf(padBytes)], `doc-${padBytes}.pdf`, { type: 'application/pdf', lastModified: Date.now() - padBytes });
}

describe('the SDK bundle in Chromium', () => {
  before(async () => {
    sdk = (await import('../../dist/batch-uploader-sdk.js' as string)) as typeof Sdk;
  });

  it('uploads through XMLHttpRequest with byte progress per file and follows the batch live to completion', async () => {
    const client = new sdk.BatchClient({ endpoint: ENDPOINT });
    const files = [makePdf(12 * 1024 * 1024), makePdf(10)];
    const progress: Sdk.UploadProgress[] = [];
    const response = await client.upload(files, { onProgress: (p) => progress.push(p) });
    equal(response.total_files, 2);
    ok(progress.length >= 2, `several progress events (${progress.length})`);
    ok(
      progress.some((p) => p.files[0]!.sent > 0 && p.files[0]!.sent < files[0]!.size),
      'partial progress of the big file',
    );
    equal(
      progress.at(-1)!.files.map((f) => f.sent),
      files.map((f) => f.size),
      'all bytes at the end:',
    );

    const channels: string[] = [];
    const final = await client.watchBatch(response.batch_id, { onChannel: (c) => channels.push(c) });
    equal(channels, ['sse']);
    equal(
      final.files.map((f) => f.status),
      ['completed', 'completed'],
    );
  });

  it('a session refuses a disguised file by its bytes, uploads the rest and ends with the summary', async () => {
    const session = new sdk.BatchSession({ client: { endpoint: ENDPOINT } });
    const states: Sdk.SessionState[] = [];
    session.subscribe((state) => states.push(state));
    const { files } = await session.addFiles([makePdf(1), makePdf(2), new File(['not a pdf'], 'fake.pdf', { type: 'application/pdf' })]);
    equal(files.length, 3, 'queued at once by their declared type:');
    // Started at once: the upload waits for the check of the content, which refuses fake.pdf.
    await session.start();
    equal(
      session.getState().rejected.map((r) => [r.name, r.code]),
      [['fake.pdf', 'UNSUPPORTED_TYPE']],
    );
    const state = await session.whenFinished();
    equal(sdk.selectSummary(state), '2 succeeded, 0 failed');
    ok(
      states.some((s) => s.phase === 'uploading'),
      'went through uploading',
    );
    ok(
      states.some((s) => s.files.some((f) => f.status === 'processing' || f.status === 'pending')),
      'saw the server states',
    );

    // A "reload": a new session attaches by id alone and shows the finished batch.
    const again = new sdk.BatchSession({ client: { endpoint: ENDPOINT } });
    await again.attach(state.batchId!);
    equal(again.getState().phase, 'finished');
    equal(sdk.selectCounts(again.getState()).completed, 2);
    session.dispose();
    again.dispose();
  });

  it('a session can refuse the same content under another name, hashed with SubtleCrypto', async () => {
    const session = new sdk.BatchSession({ client: { endpoint: ENDPOINT }, detectDuplicateContent: true });
    const original = makePdf(64);
    const copy = new File([original], 'copy of scan.pdf', { type: 'application/pdf', lastModified: 1 });
    const { files, rejected } = await session.addFiles([original, copy, makePdf(65)]);
    equal(
      files.map((f) => f.name),
      [original.name, 'doc-65.pdf'],
    );
    equal(
      rejected.map((r) => [r.name, r.code]),
      [['copy of scan.pdf', 'DUPLICATE_FILE']],
    );
    session.dispose();
  });

  it('typed errors cross the bundle: an unknown batch is ApiError BATCH_NOT_FOUND', async () => {
    const error = await new sdk.BatchClient({ endpoint: ENDPOINT }).getBatch('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    ok(sdk.isApiError(error), 'an ApiError');
    equal(error.code, 'BATCH_NOT_FOUND');
    equal(error.status, 404);
  });

  it('sends a large file through tus, with the tus client loaded only then, and keeps nothing in browser storage', async () => {
    const chunks = () => performance.getEntriesByType('resource').filter((e) => /\/dist\/chunks\/[^/]+\.js$/.test(e.name)).length;
    equal(chunks(), 0, 'the tus client is not loaded before a large file goes:');
    const client = new sdk.BatchClient({ endpoint: ENDPOINT, resumableThreshold: 200_000, resumableChunkSize: 128 * 1024 });
    const files = [makePdf(600_000), makePdf(20)];
    const progress: Sdk.UploadProgress[] = [];
    const result = await client.uploadBatch(files, { onProgress: (p) => progress.push(p) });
    // Two chunks: the batch's way through tus, then the tus client with the one file's sending.
    equal(chunks(), 2, 'sending through tus was loaded on demand:');
    const urls = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    ok(urls.includes('/api/gp/batches'), 'the batch was made with POST /batches');
    ok(urls.filter((u) => u.startsWith('/api/gp/uploads/')).length >= 5, 'the large file went through tus in chunks');
    ok(
      progress.some((p) => p.files[0]!.sent > 0 && p.files[0]!.sent < files[0]!.size),
      'partial progress of the large file',
    );
    equal(
      progress.at(-1)!.files.map((f) => f.sent),
      files.map((f) => f.size),
      'all bytes at the end:',
    );
    equal(
      Object.keys(localStorage)
        .concat(Object.keys(sessionStorage))
        .filter((k) => k.startsWith('tus')),
      [],
      'no tus entries in browser storage:',
    );

    const final = await client.watchBatch(result.batch_id);
    equal(
      final.files.map((f) => f.status),
      ['completed', 'completed'],
    );
  });
});
