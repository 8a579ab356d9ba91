/**
 * Large batches in several requests: how files are split, and sessions and the client
 * against the real demo server, through a network that loses one request or one answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchClient, BatchSession, selectProgress, type UploadProgress } from '../src/index.js';
import { splitIntoParts } from '../src/client/upload-in-parts.js';
import { makePdf, makePng } from './fixtures.js';
import { demoSkip as skip, startDemo, type RunningDemo } from './demo.js';

describe('splitIntoParts', () => {
  it('cuts by file count and by bytes, and sends a file larger than the byte limit alone', () => {
    assert.deepEqual(splitIntoParts([1, 1, 1, 1, 1], 2, 100), [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
    ]);
    assert.deepEqual(splitIntoParts([40, 40, 40, 500, 10], 10, 100), [
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 3, end: 4 },
      { start: 4, end: 5 },
    ]);
    assert.deepEqual(splitIntoParts([5], 1, 1), [{ start: 0, end: 1 }]);
    assert.deepEqual(splitIntoParts([], 10, 10), []);
  });
});

/**
 * A network that fails one upload request of the given kind: `request` never reaches
 * the server; `answer` reaches it, and the answer is lost on the way back.
 */
function flakyFetch(path: RegExp, lose: 'request' | 'answer', seen: string[]): typeof fetch {
  let failed = false;
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    if (method === 'POST') seen.push(new URL(url).pathname.replace(/^.*\/api\/gp\//, '').replace(/[0-9a-f-]{36}/, ':id'));
    if (failed || method !== 'POST' || !path.test(url)) return fetch(input, init);
    failed = true;
    if (lose === 'request') throw new TypeError('fetch failed');
    const response = await fetch(input, init);
    await response.arrayBuffer();
    throw new TypeError('fetch failed');
  };
}

describe('uploads in several requests against the demo server', { skip }, () => {
  let demo: RunningDemo & { api: string };
  before(async () => {
    // Files take a moment, as real documents do: the batch is paused a round trip after it
    // was created, and a first part that finished before would close it (see uploadBatch).
    demo = await startDemo({ processingDelayMs: 200 });
  });
  after(async () => {
    await demo?.close();
  });
  const png = (name: string) => new File([makePng()], name, { type: 'image/png', lastModified: 7 });

  it('a session sends a large batch in parts, resends the one request that was lost, and follows one batch to its end', async () => {
    const seen: string[] = [];
    const session = new BatchSession({
      client: { endpoint: demo.api, uploadPartFiles: 2, uploadPartBytes: 1_000_000, fetch: flakyFetch(/\/files$/, 'request', seen) },
    });
    const big = new File([await makePdf('big', 1_500_000)], 'big.pdf', { type: 'application/pdf' });
    const names = ['a.png', 'b.png', 'c.png', 'big.pdf', 'd.png'];
    await session.addFiles([png('a.png'), png('b.png'), png('c.png'), big, png('d.png')]);
    const percents: number[] = [];
    session.subscribe((state) => {
      if (state.phase === 'uploading') percents.push(selectProgress(state).uploadPercent);
    });
    const pendingWhileUploading: string[] = [];
    session.on('file-status', ({ file }) => {
      if (file.status === 'pending' && session.getState().phase === 'uploading') pendingWhileUploading.push(file.name);
    });

    const batchId = await session.start();
    // a+b create the batch; c (then big: too many bytes together) is lost once and sent again alone; big alone; d.
    assert.deepEqual(seen, ['batch-upload', 'batch/:id/pause', 'batch/:id/files', 'batch/:id/files', 'batch/:id/files', 'batch/:id/files', 'batch/:id/resume']);
    assert.deepEqual(pendingWhileUploading, names, 'each part is pending as soon as it arrived');
    assert.equal(percents.at(-1), 100, 'every byte counted once, the resent ones included');
    assert.ok(percents.every((p) => p <= 100));
    const state = await session.whenFinished();
    assert.equal(state.batchId, batchId);
    assert.deepEqual(state.files.map((f) => [f.name, f.status]), names.map((n) => [n, 'completed']));
    assert.ok(state.files.every((f) => f.bytesSent === f.size));
    const batch = await session.client.getBatch(batchId);
    assert.deepEqual(batch.files.map((f) => f.filename), names, 'one batch, in the order the files were added, none twice');
    session.dispose();
  });

  it('cancel during a large upload goes back to idle with the files queued, and cancels the batch already created', async () => {
    const session = new BatchSession({ client: { endpoint: demo.api, uploadPartFiles: 1 } });
    await session.addFiles([png('a.png'), png('b.png'), png('c.png')]);
    let created: string | null = null;
    session.on('file-status', ({ file }) => {
      if (file.status === 'pending' && created === null) {
        created = session.getState().batchId;
        void session.cancel();
      }
    });
    await assert.rejects(session.start(), { name: 'AbortError' });
    const state = session.getState();
    assert.equal(state.phase, 'idle');
    assert.equal(state.batchId, null);
    assert.equal(state.error, null);
    assert.deepEqual(state.files.map((f) => f.status), ['queued', 'queued', 'queued']);
    assert.ok(created, 'the first request had created the batch');
    const batch = await session.client.getBatch(created);
    assert.equal(batch.status, 'cancelled');
    assert.ok(batch.total_files < 3, 'the rest was not sent');
    session.dispose();
  });

  it('an append whose answer was lost is looked up, not sent twice; progress per file ends complete', async () => {
    const seen: string[] = [];
    const client = new BatchClient({ endpoint: demo.api, uploadPartFiles: 2, fetch: flakyFetch(/\/files$/, 'answer', seen) });
    const files = ['a', 'b', 'c', 'd'].map((n) => png(`${n}.png`));
    const progress: UploadProgress[] = [];
    const created: string[] = [];
    const result = await client.uploadBatch(files, { onProgress: (p) => progress.push(p), onBatchCreated: (id) => created.push(id) });
    assert.equal(result.parts, 2);
    assert.equal(result.total_files, 4);
    assert.deepEqual(created, [result.batch_id]);
    assert.deepEqual(seen, ['batch-upload', 'batch/:id/pause', 'batch/:id/files', 'batch/:id/resume']);
    assert.deepEqual(progress.at(-1)!.files.map((f) => f.sent), files.map((f) => f.size));
    assert.equal(progress.at(-1)!.percent, 100);
    const final = await client.watchBatch(result.batch_id);
    assert.deepEqual(final.files.map((f) => f.filename), ['a.png', 'b.png', 'c.png', 'd.png']);
    assert.equal(final.progress.completed, 4);
  });

  it('a first request that got no answer is not sent again (a second batch could not be told apart)', async () => {
    const seen: string[] = [];
    const client = new BatchClient({ endpoint: demo.api, fetch: flakyFetch(/batch-upload$/, 'request', seen) });
    await assert.rejects(client.uploadBatch([png('a.png')]), { code: 'NETWORK_ERROR' });
    assert.deepEqual(seen, ['batch-upload']);
  });
});
