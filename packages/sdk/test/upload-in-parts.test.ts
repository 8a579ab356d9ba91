/**
 * Large batches in several requests: how files are split, and sessions and the client
 * against the real demo server, through a network that loses one request or one answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchClient, BatchSession, isApiError, selectProgress, type UploadProgress } from '../src/index.js';
import type { Batch } from '@batch-uploader/protocol';
import { splitIntoParts } from '../src/client/upload-in-parts.js';
import { makePdf, makePng } from '@batch-uploader/test-support/small-documents';
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

/** Polls the batch until every file it holds is completed, and returns it. */
async function allDone(client: BatchClient, batchId: string): Promise<Batch> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const batch = await client.getBatch(batchId);
    if (batch.progress.completed === batch.total_files) return batch;
    if (Date.now() > deadline) throw new Error(`files of ${batchId} not done: ${JSON.stringify(batch.progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('uploads in several requests against the demo server', { skip }, () => {
  let demo: RunningDemo & { api: string };
  before(async () => {
    demo = await startDemo();
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
    // The batch is made empty; a+b are lost once and sent again; c (then big: too many bytes together) alone; big alone; d.
    assert.deepEqual(seen, ['batches', 'batch/:id/files', 'batch/:id/files', 'batch/:id/files', 'batch/:id/files', 'batch/:id/files']);
    assert.deepEqual(pendingWhileUploading, names, 'each part is pending as soon as it arrived');
    assert.equal(percents.at(-1), 100, 'every byte counted once, the resent ones included');
    assert.ok(percents.every((p) => p <= 100));
    const state = await session.whenFinished();
    assert.equal(state.batchId, batchId);
    assert.deepEqual(
      state.files.map((f) => [f.name, f.status]),
      names.map((n) => [n, 'completed']),
    );
    assert.ok(state.files.every((f) => f.bytesSent === f.size));
    const batch = await session.client.getBatch(batchId);
    assert.deepEqual(
      batch.files.map((f) => f.filename),
      names,
      'one batch, in the order the files were added, none twice',
    );
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
    assert.deepEqual(
      state.files.map((f) => f.status),
      ['queued', 'queued', 'queued'],
    );
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
    assert.deepEqual(seen, ['batches', 'batch/:id/files', 'batch/:id/files'], 'a+b once (their answer was lost: looked up), c+d');
    assert.deepEqual(
      progress.at(-1)!.files.map((f) => f.sent),
      files.map((f) => f.size),
    );
    assert.equal(progress.at(-1)!.percent, 100);
    const final = await client.watchBatch(result.batch_id);
    assert.deepEqual(
      final.files.map((f) => f.filename),
      ['a.png', 'b.png', 'c.png', 'd.png'],
    );
    assert.equal(final.progress.completed, 4);
  });

  it('tiny files in many parts, processed at once: every part lands, the batch stays open (never paused) and finishes after the last', async () => {
    const client = new BatchClient({ endpoint: demo.api, uploadPartFiles: 1 });
    const heldStates: Batch[] = [];
    // Before each later part goes out, every file sent so far is done: the moment a batch
    // that was not held open would finish and refuse the part.
    const observing: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const id = /\/batch\/([0-9a-f-]{36})\/files$/.exec(url)?.[1];
      if (id) heldStates.push(await allDone(client, id));
      return fetch(input, init);
    };
    const observed = new BatchClient({ endpoint: demo.api, uploadPartFiles: 1, fetch: observing });
    const files = Array.from({ length: 8 }, (_, i) => png(`tiny-${i}.png`));
    const result = await observed.uploadBatch(files);
    assert.equal(result.parts, 8);
    assert.equal(result.total_files, 8);
    assert.equal(heldStates.length, 8, 'made empty, then every file appended');
    for (const [i, batch] of heldStates.entries()) {
      assert.equal(batch.total_files, i);
      assert.equal(batch.status, 'processing', 'held open: processing, not paused, not completed');
      assert.equal(batch.finished_at, null);
      assert.equal(batch.accepting_files, true);
    }
    const final = await client.watchBatch(result.batch_id);
    assert.equal(final.status, 'completed');
    assert.equal(final.accepting_files, false);
    assert.deepEqual(
      final.files.map((f) => f.filename),
      files.map((f) => f.name),
    );
  });

  it('a later part that fails for good closes the batch, which finishes with the files that arrived', async () => {
    const limited = await startDemo({ maxFiles: 3 });
    try {
      const seen: string[] = [];
      const client = new BatchClient({ endpoint: limited.api, uploadPartFiles: 2, fetch: flakyFetch(/^$/, 'request', seen) });
      const files = Array.from({ length: 5 }, (_, i) => png(`f${i}.png`));
      const created: string[] = [];
      const error = await client.uploadBatch(files, { onBatchCreated: (id) => created.push(id) }).catch((e: unknown) => e);
      assert.ok(isApiError(error) && error.code === 'TOO_MANY_FILES', String(error));
      assert.deepEqual(seen, ['batches', 'batch/:id/files', 'batch/:id/files', 'batch/:id/close']);
      const batch = await client.watchBatch(created[0]!);
      assert.equal(batch.status, 'completed');
      assert.equal(batch.total_files, 2);
    } finally {
      await limited.close();
    }
  });

  it('a batch of several requests exists, saying how many files will come, before its first file is sent', async () => {
    // Each file request waits until the batch, as onBatchCreated found it, was read.
    let read: Promise<Batch> | null = null;
    const gated: typeof fetch = async (input, init) => {
      if (/\/files$/.test(input instanceof Request ? input.url : String(input)) && read) await read;
      return fetch(input, init);
    };
    const client = new BatchClient({ endpoint: demo.api, uploadPartFiles: 2, fetch: gated });
    const reader = new BatchClient({ endpoint: demo.api });
    const files = Array.from({ length: 5 }, (_, i) => png(`r${i}.png`));
    const result = await client.uploadBatch(files, {
      fields: { patient_id: 'P-77' },
      onBatchCreated: (id) => {
        read = reader.getBatch(id);
      },
    });
    const made = await read!;
    assert.equal(made.id, result.batch_id);
    assert.equal(made.total_files, 0, 'no file sent yet');
    assert.equal(made.expected_files, 5, 'a page reloaded now finds it, with 5 files missing');
    assert.equal(made.patient_id, 'P-77');
    assert.equal(made.accepting_files, true);
    assert.equal((await client.watchBatch(result.batch_id)).total_files, 5);
  });

  it('a first request that got no answer is not sent again (a second batch could not be told apart)', async () => {
    const seen: string[] = [];
    const client = new BatchClient({ endpoint: demo.api, fetch: flakyFetch(/batch-upload$/, 'request', seen) });
    await assert.rejects(client.uploadBatch([png('a.png')]), { code: 'NETWORK_ERROR' });
    assert.deepEqual(seen, ['batch-upload']);
  });
});
