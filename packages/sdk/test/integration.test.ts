/**
 * The SDK against the real demo server, started in-process on a free port with its
 * own data folder: upload with progress, live updates to the end, attach after a
 * "reload", cancel, history, auth. Skips (saying why) only when the demo server's
 * source is absent.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BatchClient, BatchSession, isApiError, selectSummary, type LiveChannel, type SessionFileStatus, type UploadProgress } from '../src/index.js';
import { fileFromPath } from '../src/node.js';
import { fakePdf, makePdf, makePng, truncatedPdf } from '@batch-uploader/test-support/small-documents';
import { until } from './helpers.js';
import { demoSkip as skip, startDemo, type RunningDemo } from './demo.js';
import type * as SdkSource from '../src/index.js';

describe('SDK against the demo server', { skip }, () => {
  let demo: RunningDemo & { api: string };
  const TOKEN = 'integration-token-0123456789';
  before(async () => {
    demo = await startDemo({ apiTokens: new Map([[TOKEN, 'clinic-a']]), processingDelayMs: 150 });
  });
  after(async () => {
    await demo?.close();
  });
  const client = () => new BatchClient({ endpoint: demo.api, getAuthToken: () => TOKEN });

  it('answers 401 UNAUTHORIZED without a token', async () => {
    const error = await new BatchClient({ endpoint: demo.api, retry: 0 }).getLimits().catch((e: unknown) => e);
    assert.ok(isApiError(error));
    assert.equal(error.code, 'UNAUTHORIZED');
    assert.equal(error.status, 401);
  });

  it('uploads files from disk with byte progress per file, and follows them live to completion', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdk-docs-'));
    try {
      // Large enough that progress arrives in several steps.
      await writeFile(join(dir, 'big.pdf'), await makePdf('big', 3 * 1024 * 1024));
      await writeFile(join(dir, 'scan.png'), makePng());
      await writeFile(join(dir, 'broken.pdf'), await truncatedPdf());
      const files = await Promise.all(['big.pdf', 'scan.png', 'broken.pdf'].map((n) => fileFromPath(join(dir, n))));

      const progress: UploadProgress[] = [];
      const api = client();
      const response = await api.upload(files, { fields: { template_id: 'T1' }, onProgress: (p) => progress.push(p) });
      assert.equal(response.status, 'success');
      assert.equal(response.total_files, 3);
      assert.ok(progress.length >= 3, `several progress reports (${progress.length})`);
      const last = progress.at(-1)!;
      assert.equal(last.percent, 100);
      assert.deepEqual(
        last.files.map((f) => f.sent),
        files.map((f) => f.size),
      );
      assert.ok(
        progress.some((p) => p.files[0]!.sent > 0 && p.files[0]!.sent < files[0]!.size),
        'the big file reports partial progress',
      );
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.sent >= progress[i - 1]!.sent, 'progress never goes back');

      const channels: LiveChannel[] = [];
      const final = await api.watchBatch(response.batch_id, { onChannel: (c) => channels.push(c) });
      assert.deepEqual(channels, ['sse']);
      assert.equal(final.status, 'completed');
      assert.deepEqual(
        final.files.map((f) => f.status),
        ['completed', 'completed', 'failed'],
      );
      assert.ok(final.files[2]!.error?.message, 'the failed file carries the server reason');
      assert.equal(final.template_id, 'T1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a session shows each file move through its states and ends with the summary', async () => {
    const session = new BatchSession({ client: client() });
    await session.addFiles([
      new File([await makePdf('one')], 'one.pdf', { type: 'application/pdf' }),
      new File([makePng(8, 8)], 'two.png', { type: 'image/png' }),
      new File([fakePdf()], 'three.pdf', { type: 'application/pdf' }),
    ]);
    await session.whenChecked();
    assert.deepEqual(
      session.getState().rejected.map((r) => [r.name, r.code]),
      [['three.pdf', 'UNSUPPORTED_TYPE']],
      'refused by content before upload',
    );
    const steps = new Map<string, SessionFileStatus[]>();
    session.on('file-status', ({ file }) => steps.set(file.name, [...(steps.get(file.name) ?? []), file.status]));
    let progressEvents = 0;
    session.on('upload-progress', () => (progressEvents += 1));
    await session.start({ patient_id: 'PAT-42' });
    const state = await session.whenFinished();
    assert.equal(state.batchStatus, 'completed');
    assert.equal(selectSummary(state), '2 succeeded, 0 failed');
    assert.ok(progressEvents >= 1);
    for (const name of ['one.pdf', 'two.png']) {
      const seen = steps.get(name)!;
      assert.deepEqual(seen.slice(0, 2), ['uploading', 'pending']);
      assert.equal(seen.at(-1), 'completed');
    }
    session.dispose();
  });

  it('a new session attaches to a running batch after a "reload" and follows it to the end', async () => {
    const first = new BatchSession({ client: client() });
    await first.addFiles(await Promise.all(['a', 'b', 'c', 'd'].map(async (n) => new File([await makePdf(n)], `${n}.pdf`))));
    const batchId = await first.start();
    first.dispose(); // the page goes away; only the id survives

    const second = new BatchSession({ client: client() });
    await second.attach(batchId);
    assert.equal(second.getState().batchId, batchId);
    assert.equal(second.getState().files.length, 4);
    assert.ok(second.getState().files.every((f) => f.file === null && f.fileId !== null));
    const state = await second.whenFinished();
    assert.equal(selectSummary(state), '4 succeeded, 0 failed');
    second.dispose();
  });

  it('cancel stops the files not yet started; cancelling a finished batch is BATCH_NOT_OPEN', async () => {
    const slow = await startDemo({ processingDelayMs: 400, concurrency: 1 });
    try {
      const session = new BatchSession({ client: { endpoint: slow.api } });
      await session.addFiles(await Promise.all(['a', 'b', 'c', 'd', 'e'].map(async (n) => new File([await makePdf(n)], `${n}.pdf`))));
      await session.start();
      await until(() => session.getState().files.some((f) => f.status === 'processing' || f.status === 'completed'), 10_000);
      await session.cancel();
      const state = await session.whenFinished();
      assert.equal(state.batchStatus, 'cancelled');
      const cancelled = state.files.filter((f) => f.status === 'cancelled');
      assert.ok(cancelled.length >= 3, `most files cancelled (${cancelled.length})`);
      assert.ok(cancelled.every((f) => f.error?.code === 'CANCELLED'));

      const again = await session.client.cancelBatch(state.batchId!).catch((e: unknown) => e);
      assert.ok(isApiError(again) && again.code === 'BATCH_NOT_OPEN' && again.status === 409);
      session.dispose();
    } finally {
      await slow.close();
    }
  });

  it('pages through history, newest first, within the caller workspace', async () => {
    const api = client();
    const all: string[] = [];
    for await (const batch of api.history({ limit: 1 })) all.push(batch.id);
    assert.ok(all.length >= 3);
    const page = await api.getHistory({ limit: 2 });
    assert.deepEqual(
      page.batches.map((b) => b.id),
      all.slice(0, 2),
    );
    assert.ok(page.next_cursor);
    const notFound = await api.getBatch('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    assert.ok(isApiError(notFound) && notFound.code === 'BATCH_NOT_FOUND');
  });

  const bundle = fileURLToPath(new URL('../dist/batch-uploader-sdk.js', import.meta.url));
  it(
    'the browser bundle runs unchanged in Node',
    { skip: existsSync(bundle) ? false : 'run `rollup -c` first to build dist/batch-uploader-sdk.js' },
    async () => {
      const sdk = (await import(bundle)) as typeof SdkSource;
      const session = new sdk.BatchSession({ client: { endpoint: demo.api, getAuthToken: () => TOKEN } });
      await session.addFiles([new File([await makePdf('bundle')], 'bundle.pdf')]);
      await session.start();
      const state = await session.whenFinished();
      assert.equal(sdk.selectSummary(state), '1 succeeded, 0 failed');
      const error = await session.client.getBatch('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
      assert.ok(sdk.isApiError(error) && error.code === 'BATCH_NOT_FOUND');
      session.dispose();
    },
  );
});
