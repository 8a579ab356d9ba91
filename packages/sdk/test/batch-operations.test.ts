/**
 * The client's batch operations (pause, resume, retry, append, analytics) against the
 * real demo server, started in-process on a free port with its own data folder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchClient, isApiError, type UploadProgress } from '../src/index.js';
import { makePng, truncatedPdf } from '@batch-uploader/test-support/small-documents';
import { demoSkip as skip, startDemo, type RunningDemo } from './demo.js';

describe('BatchClient batch operations against the demo server', { skip }, () => {
  let demo: RunningDemo & { api: string };
  const TOKEN = 'operations-token-0123456789';
  before(async () => {
    demo = await startDemo({ apiTokens: new Map([[TOKEN, 'clinic-ops']]), processingDelayMs: 150, concurrency: 1, maxFiles: 5 });
  });
  after(async () => {
    await demo?.close();
  });
  const client = () => new BatchClient({ endpoint: demo.api, getAuthToken: () => TOKEN });
  const png = (name: string) => new File([makePng()], name, { type: 'image/png' });

  it('pauses a batch (its waiting files stay pending), resumes it, and it finishes', async () => {
    const api = client();
    const { batch_id } = await api.upload([png('a.png'), png('b.png'), png('c.png'), png('d.png')]);
    const paused = await api.pauseBatch(batch_id);
    assert.equal(paused.status, 'paused');
    assert.equal((await api.pauseBatch(batch_id)).status, 'paused', 'pausing again is fine');

    await new Promise((resolve) => setTimeout(resolve, 500));
    const waiting = await api.getBatch(batch_id);
    assert.equal(waiting.status, 'paused');
    assert.ok(waiting.progress.pending >= 2);

    const resumed = await api.resumeBatch(batch_id);
    assert.notEqual(resumed.status, 'paused');
    const final = await api.watchBatch(batch_id);
    assert.equal(final.status, 'completed');

    const error = await api.pauseBatch(batch_id).catch((e: unknown) => e);
    assert.ok(isApiError(error) && error.code === 'BATCH_NOT_OPEN' && error.status === 409);
    const missing = await api.resumeBatch('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    assert.ok(isApiError(missing) && missing.code === 'BATCH_NOT_FOUND');
  });

  it('retries the failed files of a batch on the server, which reopens it', async () => {
    const api = client();
    const broken = new File([await truncatedPdf()], 'broken.pdf', { type: 'application/pdf' });
    const { batch_id } = await api.upload([broken, png('ok.png')]);
    const first = await api.watchBatch(batch_id);
    assert.equal(first.progress.failed, 1);

    const answer = await api.retryFailedFiles(batch_id);
    assert.equal(answer.retried, 1);
    assert.equal(answer.not_retryable, 0);
    assert.equal(answer.batch.finished_at, null);
    const second = await api.watchBatch(batch_id);
    assert.equal(second.files[0]!.error?.code, 'CORRUPT_FILE');
    assert.equal(second.files[0]!.attempts, 1);

    const { batch_id: good } = await api.upload([png('fine.png')]);
    await api.watchBatch(good);
    const nothing = await api.retryFailedFiles(good).catch((e: unknown) => e);
    assert.ok(isApiError(nothing) && nothing.code === 'NOTHING_TO_RETRY' && nothing.status === 409);
    assert.deepEqual(nothing.details, { not_retryable: 0 });
  });

  it("sends a batch in several requests with appendFiles, reporting progress, within the batch's file limit", async () => {
    const api = client();
    const { batch_id } = await api.upload([png('part1-a.png'), png('part1-b.png')]);
    await api.pauseBatch(batch_id);
    const progress: UploadProgress[] = [];
    const appended = await api.appendFiles(batch_id, [png('part2-a.png'), png('part2-b.png')], { onProgress: (p) => progress.push(p) });
    assert.equal(appended.appended_files, 2);
    assert.equal(appended.total_files, 4);
    assert.equal(appended.file_ids.length, 2);
    assert.equal(progress.at(-1)?.percent, 100);

    const tooMany = await api.appendFiles(batch_id, [png('x.png'), png('y.png')]).catch((e: unknown) => e);
    assert.ok(isApiError(tooMany) && tooMany.code === 'TOO_MANY_FILES' && tooMany.status === 400);
    assert.deepEqual(tooMany.details, { max_files: 5, total_files: 4 });

    await api.resumeBatch(batch_id);
    const final = await api.watchBatch(batch_id);
    assert.deepEqual(
      final.files.map((f) => f.filename),
      ['part1-a.png', 'part1-b.png', 'part2-a.png', 'part2-b.png'],
    );
    assert.equal(final.progress.completed, 4);

    const closed = await api.appendFiles(batch_id, [png('late.png')]).catch((e: unknown) => e);
    assert.ok(isApiError(closed) && closed.code === 'BATCH_NOT_OPEN' && closed.status === 409);
  });

  it('sends the batch priority with an upload', async () => {
    const api = client();
    const { batch_id } = await api.upload([png('urgent.png')], { fields: { priority: 'high' } });
    assert.equal((await api.getBatch(batch_id)).priority, 'high');
    await api.watchBatch(batch_id);
  });

  it('reads the workspace analytics, from a given day or the default range', async () => {
    const api = client();
    const { batch_id } = await api.upload([png('stats.png')]);
    await api.watchBatch(batch_id);
    const all = await api.getAnalytics();
    assert.ok(all.totals.batches >= 1);
    assert.equal(all.days.length, 31);
    assert.ok(all.processing_time_ms.samples >= 1);
    const today = new Date().toISOString().slice(0, 10);
    const recent = await api.getAnalytics({ since: new Date(`${today}T00:00:00Z`) });
    assert.equal(recent.days.length, 1);
    assert.equal(recent.since, `${today}T00:00:00.000Z`);
    const bad = await api.getAnalytics({ since: '2000-01-01' }).catch((e: unknown) => e);
    assert.ok(isApiError(bad) && bad.code === 'INVALID_QUERY' && bad.status === 400);
  });
});

describe('BatchClient against a rate-limited demo server', { skip }, () => {
  it('a refused upload is ApiError RATE_LIMITED (429) with the seconds to wait, and is not retried', async () => {
    const demo = await startDemo({ uploadRateLimit: 1 });
    try {
      const api = new BatchClient({ endpoint: demo.api });
      const file = () => new File([makePng()], 'a.png', { type: 'image/png' });
      await api.upload([file()]);
      const error = await api.upload([file()]).catch((e: unknown) => e);
      assert.ok(isApiError(error) && error.code === 'RATE_LIMITED' && error.status === 429);
      const wait = error.details?.retry_after_seconds;
      assert.ok(typeof wait === 'number' && wait > 0 && wait <= 60);
    } finally {
      await demo.close();
    }
  });
});
