/**
 * Resumable uploads (tus) against the real demo server, through a proxy that records the
 * requests and can cut a connection: a file over the threshold goes through tus into a
 * batch made with POST /batches, small files go multipart into the same batch, and an
 * upload whose connection is destroyed mid-way goes on from the server's offset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCuttingProxy, type CutRule, type CuttingProxy } from '@batch-uploader/test-support/cutting-proxy';
import { makePdf, makePng, truncatedPdf } from '@batch-uploader/test-support/small-documents';
import { BatchClient, BatchSession, isNetworkError, type BatchClientOptions, type UploadProgress } from '../src/index.js';
import { demoSkip as skip, startDemo, type RunningDemo } from './demo.js';
import { memoryStorage } from './helpers.js';

const TOKEN = 'resumable-token-0123456789';
const CHUNK = 256 * 1024;

describe('resumable uploads (tus) against the demo server', { skip }, () => {
  let demo: RunningDemo & { api: string };
  const proxies: CuttingProxy[] = [];
  before(async () => {
    demo = await startDemo({ apiTokens: new Map([[TOKEN, 'clinic-a']]) });
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await demo?.close();
  });

  /** A client that talks to the demo server through a new proxy. */
  async function clientThroughProxy(cut?: CutRule, options: Partial<BatchClientOptions> = {}): Promise<{ client: BatchClient; proxy: CuttingProxy }> {
    const proxy = await startCuttingProxy(demo.url, cut);
    proxies.push(proxy);
    const endpoint = proxy.url + demo.api.slice(demo.url.length);
    const client = new BatchClient({
      endpoint,
      getAuthToken: () => TOKEN,
      resumableThreshold: 100_000,
      resumableChunkSize: CHUNK,
      resumableRetryDelays: [50, 100, 200],
      ...options,
    });
    return { client, proxy };
  }

  const named = (bytes: Uint8Array<ArrayBuffer>, name: string, type: string) => new File([bytes], name, { type });

  it('sends a file over the threshold through tus and the small one multipart, into one batch made with POST /batches', async () => {
    const { client, proxy } = await clientThroughProxy();
    const big = named(await makePdf('scan', 700_000), 'scan.pdf', 'application/pdf');
    const small = named(makePng(), 'photo.png', 'image/png');
    const progress: UploadProgress[] = [];
    const result = await client.uploadBatch([big, small], { onProgress: (p) => progress.push(p) });
    assert.equal(result.total_files, 2);

    const paths = proxy.requests.map((r) => `${r.method} ${r.path.slice(demo.api.length - demo.url.length)}`);
    assert.ok(paths.includes('POST /batches'), paths.join(', '));
    assert.ok(!paths.includes('POST /batch-upload'), 'no multipart batch was made');
    assert.ok(paths.includes(`POST /batch/${result.batch_id}/files`), 'the small file was appended multipart');
    assert.ok(paths.includes('POST /uploads'), 'the large file was created on the tus route');
    assert.ok(paths.filter((p) => p.startsWith('PATCH /uploads/')).length >= 3, 'the large file went in chunks');
    assert.ok(paths.includes(`POST /batch/${result.batch_id}/close`), 'the batch was closed');
    const patched = proxy.requests.filter((r) => r.method === 'PATCH').reduce((sum, r) => sum + r.bodyBytes, 0);
    assert.equal(patched, big.size);
    assert.deepEqual(
      progress.at(-1)?.files.map((f) => f.sent),
      [big.size, small.size],
    );

    const batch = await client.watchBatch(result.batch_id);
    assert.equal(batch.status, 'completed');
    assert.deepEqual(batch.files.map((f) => [f.filename, f.status, f.size]).sort(), [
      ['photo.png', 'completed', small.size],
      ['scan.pdf', 'completed', big.size],
    ]);
  });

  it('takes a cut upload up again from the server offset, sending at most one chunk again', async () => {
    // The third PATCH loses its connection half-way through its chunk.
    const { client, proxy } = await clientThroughProxy({ method: 'PATCH', nth: 3, afterBytes: CHUNK / 2 });
    const big = named(await makePdf('scan', 1_200_000), 'scan.pdf', 'application/pdf');
    const sentAfterCut: number[] = [];
    let resumed = 0;
    const result = await client.uploadBatch([big], {
      onResuming: () => resumed++,
      onProgress: (p) => {
        if (resumed > 0) sentAfterCut.push(p.files[0]!.sent);
      },
    });
    assert.equal(resumed, 1, 'the upload resumed once');
    // Two whole chunks were stored before the cut: progress goes on from there, not from 0.
    assert.ok(sentAfterCut.length > 0 && Math.min(...sentAfterCut) >= 2 * CHUNK, `progress after the cut: ${sentAfterCut.join(', ')}`);

    const patches = proxy.requests.filter((r) => r.method === 'PATCH');
    assert.ok(
      patches.some((r) => r.cut),
      'a PATCH was cut',
    );
    const total = patches.reduce((sum, r) => sum + r.bodyBytes, 0);
    assert.ok(total > big.size, `bytes were sent again (${total} for ${big.size})`);
    assert.ok(total <= big.size + CHUNK, `at most one chunk again: ${total} bytes sent for a file of ${big.size}`);
    assert.ok(
      proxy.requests.some((r) => r.method === 'HEAD'),
      'the client asked the server for its offset',
    );

    const batch = await client.watchBatch(result.batch_id);
    assert.deepEqual(
      batch.files.map((f) => [f.status, f.size]),
      [['completed', big.size]],
    );
  });

  it('gives up a PATCH that went quiet (stallTimeoutMs) and goes on from the server offset', { timeout: 30_000 }, async () => {
    // The second PATCH hangs after a quarter of its chunk: no more bytes pass, no answer comes.
    const { client, proxy } = await clientThroughProxy({ method: 'PATCH', nth: 2, afterBytes: CHUNK / 4, stall: true }, { stallTimeoutMs: 400 });
    const big = named(await makePdf('scan', 700_000), 'scan.pdf', 'application/pdf');
    let resumed = 0;
    const result = await client.uploadBatch([big], { onResuming: () => resumed++ });
    assert.equal(resumed, 1, 'the stalled upload went on once');
    const paths = proxy.requests.map((r) => r.method);
    const stalled = proxy.requests.findIndex((r) => r.cut);
    assert.ok(stalled > 0 && paths.slice(stalled + 1).includes('HEAD'), `the client asked for the offset after the stall: ${paths.join(', ')}`);
    const total = proxy.requests.filter((r) => r.method === 'PATCH').reduce((sum, r) => sum + r.bodyBytes, 0);
    assert.ok(total <= big.size + CHUNK, `at most one chunk again: ${total} bytes sent for a file of ${big.size}`);
    const batch = await client.watchBatch(result.batch_id);
    assert.deepEqual(
      batch.files.map((f) => [f.status, f.size]),
      [['completed', big.size]],
    );
  });

  it('fails with a stalled NetworkError once every retry delay was used', { timeout: 30_000 }, async () => {
    const { client } = await clientThroughProxy(
      { method: 'PATCH', nth: 1, afterBytes: CHUNK / 4, stall: true },
      { stallTimeoutMs: 300, resumableRetryDelays: [] },
    );
    const big = named(await makePdf('scan', 700_000), 'scan.pdf', 'application/pdf');
    const error = await client.uploadBatch([big]).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isNetworkError(error) && error.stalled, String(error));
  });

  it('another client goes on with an upload from its URL (uploadUrl) after an abort that kept it (keepOnAbort)', async () => {
    const { client: first, proxy: firstProxy } = await clientThroughProxy();
    const big = named(await makePdf('scan', 1_200_000), 'scan.pdf', 'application/pdf');
    const { batch_id: batchId } = await first.createBatch();
    const stop = new AbortController();
    let uploadUrl = '';
    await assert.rejects(
      first.uploadResumable(batchId, big, {
        signal: stop.signal,
        keepOnAbort: true,
        onUploadUrl: (url) => (uploadUrl = url),
        onProgress: (sent) => {
          if (sent >= 2 * CHUNK) stop.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.match(uploadUrl, /\/uploads\/[^/]+$/);
    assert.ok(!firstProxy.requests.some((r) => r.method === 'DELETE'), 'the upload was left on the server');

    const { client: second, proxy } = await clientThroughProxy();
    // The URL names the first proxy; the second client reaches the same upload through its own.
    const url = proxy.url + new URL(uploadUrl).pathname;
    await second.uploadResumable(batchId, big, { uploadUrl: url });
    await second.closeBatch(batchId);
    assert.deepEqual(
      proxy.requests.map((r) => r.method).filter((m) => m !== 'GET'),
      ['HEAD', ...proxy.requests.filter((r) => r.method === 'PATCH').map(() => 'PATCH'), 'POST'],
    );
    const resent = proxy.requests.filter((r) => r.method === 'PATCH').reduce((sum, r) => sum + r.bodyBytes, 0);
    assert.ok(resent <= big.size - CHUNK, `the second client sent ${resent} of ${big.size} bytes`);
    const batch = await second.watchBatch(batchId);
    assert.deepEqual(
      batch.files.map((f) => [f.status, f.size]),
      [['completed', big.size]],
    );
  });

  it('"finish without them" after a reload ends the uploads the reload cut short: the server removes their bytes now', async () => {
    const { client } = await clientThroughProxy();
    const { batch_id: batchId } = await client.createBatch({ expectedFiles: 2 });
    await client.appendFiles(batchId, [named(makePng(), 'photo.png', 'image/png')], { moreFiles: true });
    // The page that sent them was reloaded half-way through the scan's upload.
    const stop = new AbortController();
    let uploadUrl = '';
    await assert.rejects(
      client.uploadResumable(batchId, named(await makePdf('scan', 1_200_000), 'scan.pdf', 'application/pdf'), {
        signal: stop.signal,
        keepOnAbort: true,
        onUploadUrl: (url) => (uploadUrl = url),
        onProgress: (sent) => {
          if (sent >= CHUNK) stop.abort();
        },
      }),
      { name: 'AbortError' },
    );
    const headOf = () => fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${TOKEN}` } });
    assert.equal((await headOf()).status, 200, 'the server holds the unfinished upload');
    const storage = memoryStorage();
    storage.setItem('uploader', batchId);
    storage.setItem('uploader:uploads', JSON.stringify({ batch: batchId, uploads: { fingerprint: uploadUrl } }));

    const session = new BatchSession({ client, resume: { key: 'uploader', storage } });
    try {
      assert.equal(await session.restore(), batchId);
      assert.deepEqual(session.getState().interrupted, { received: 1, expected: 2, sending: false });
      await session.finishWithoutMissing();
      assert.equal((await headOf()).status, 404, 'the unfinished upload is gone');
      const state = await session.whenFinished();
      assert.deepEqual(
        state.files.map((f) => [f.name, f.status]),
        [['photo.png', 'completed']],
      );
      assert.equal(storage.getItem('uploader:uploads'), null, 'nothing kept once the batch finished');
      await client.endResumable(uploadUrl); // An upload already gone counts as ended.
    } finally {
      session.dispose();
    }
  });

  it('a session marks a file whose cut upload takes up again as resuming, until it arrived', async () => {
    const { client } = await clientThroughProxy({ method: 'PATCH', nth: 2, afterBytes: CHUNK / 4 });
    const session = new BatchSession({ client });
    await session.addFiles([
      new File([await makePdf('scan', 800_000)], 'scan.pdf', { type: 'application/pdf' }),
      new File([makePng()], 'photo.png', { type: 'image/png' }),
    ]);
    await session.whenChecked();
    const resuming = new Set<string>();
    const unsubscribe = session.subscribe((state) => {
      for (const file of state.files) if (file.resuming) resuming.add(`${file.name} ${file.status}`);
    });
    await session.start();
    const state = await session.whenFinished();
    unsubscribe();
    assert.deepEqual([...resuming], ['scan.pdf uploading']);
    assert.equal(state.batchStatus, 'completed');
    assert.deepEqual(
      state.files.map((f) => [f.name, f.status, f.resuming ?? false]),
      [
        ['scan.pdf', 'completed', false],
        ['photo.png', 'completed', false],
      ],
    );
    session.dispose();
  });

  it('a session keeps each file its own outcome, though the large file reaches the batch after the small ones', async () => {
    const { client } = await clientThroughProxy();
    const session = new BatchSession({ client });
    await session.addFiles([
      new File([await makePdf('scan', 300_000)], 'scan.pdf', { type: 'application/pdf' }),
      new File([await truncatedPdf()], 'broken.pdf', { type: 'application/pdf' }),
      new File([makePng()], 'photo.png', { type: 'image/png' }),
    ]);
    await session.whenChecked();
    await session.start();
    const state = await session.whenFinished();
    const batch = await client.getBatch(state.batchId!);
    assert.deepEqual(
      batch.files.map((f) => f.filename),
      ['broken.pdf', 'photo.png', 'scan.pdf'],
      'the server holds the large file last',
    );
    assert.deepEqual(
      state.files.map((f) => [f.name, f.status, f.error?.code ?? null]),
      [
        ['scan.pdf', 'completed', null],
        ['broken.pdf', 'failed', 'CORRUPT_FILE'],
        ['photo.png', 'completed', null],
      ],
    );
    assert.deepEqual(
      state.files.map((f) => f.fileId),
      state.files.map((f) => batch.files.find((remote) => remote.filename === f.name)!.file_id),
    );
    session.dispose();
  });

  describe('which way a batch goes', () => {
    /** The client's fetch: records `METHOD path` and passes on to the demo server, without the tus advertisement when `hideTus`. */
    function recordingFetch(seen: string[], hideTus = false): typeof fetch {
      return async (input, init) => {
        const request = new Request(input, init);
        seen.push(`${request.method} ${new URL(request.url).pathname.slice(new URL(demo.api).pathname.length)}`);
        const response = await fetch(request);
        if (!hideTus || !request.url.endsWith('/limits')) return response;
        const body = (await response.json()) as { limits: Record<string, unknown> };
        delete body.limits.resumable;
        return Response.json(body, { status: response.status });
      };
    }
    const large = async () => named(await makePdf('scan', 300_000), 'scan.pdf', 'application/pdf');

    it("'never' sends every file multipart without asking the server about tus", async () => {
      const seen: string[] = [];
      const client = new BatchClient({
        endpoint: demo.api,
        getAuthToken: () => TOKEN,
        fetch: recordingFetch(seen),
        resumable: 'never',
        resumableThreshold: 100_000,
      });
      await client.uploadBatch([await large()]);
      assert.deepEqual(seen, ['POST /batch-upload']);
    });

    it('a server that does not offer tus gets the multipart path, asked once per client', async () => {
      const seen: string[] = [];
      const client = new BatchClient({ endpoint: demo.api, getAuthToken: () => TOKEN, fetch: recordingFetch(seen, true), resumableThreshold: 100_000 });
      await client.uploadBatch([await large()]);
      await client.uploadBatch([await large()]);
      assert.deepEqual(seen, ['GET /limits', 'POST /batch-upload', 'POST /batch-upload']);
    });

    it("small files only never ask about tus; 'always' sends even a small file through it", async () => {
      const seen: string[] = [];
      const auto = new BatchClient({ endpoint: demo.api, getAuthToken: () => TOKEN, fetch: recordingFetch(seen) });
      await auto.uploadBatch([named(makePng(), 'photo.png', 'image/png')]);
      assert.deepEqual(seen, ['POST /batch-upload']);

      const { client, proxy } = await clientThroughProxy(undefined, { resumable: 'always' });
      const result = await client.uploadBatch([named(makePng(), 'photo.png', 'image/png')]);
      const methods = proxy.requests.map((r) => r.method + ' ' + r.path.slice(new URL(demo.api).pathname.length).replace(/\/uploads\/.+/, '/uploads/:id'));
      assert.deepEqual(methods, ['GET /limits', 'POST /batches', 'POST /uploads', 'PATCH /uploads/:id', `POST /batch/${result.batch_id}/close`]);
    });
  });
});
