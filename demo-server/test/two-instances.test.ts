import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { AnalyticsResponse, Batch, UploadResponse } from '@batch-uploader/protocol';
import { MongoClient } from '@batch-uploader/server/mongodb';
import { freshDbName, mongoTarget } from '@batch-uploader/test-support/mongo-target';
import { killHard, startChild, stopChild, type Child } from './child-server.js';
import { documents } from '@batch-uploader/test-support/documents';
import { getBatch, tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

// A real MongoDB when MONGODB_URI is set, else the in-process wire test server; either
// way the two demo servers are separate processes talking to it over TCP.
const target = await mongoTarget();
after(() => target.close());

/** One end of a processor run, as the engine logs it (debug level): ids only. */
interface RunEnded {
  file_id: string;
  verdict: 'finish' | 'retry' | 'release' | 'drop';
}

/**
 * Processor invocations that ran to their end and had their outcome recorded, read from
 * a process's log. The engine logs "file run ended" once per invocation, after it wrote
 * the outcome; an invocation cut short by SIGKILL logs nothing. So a file completed twice
 * (two workers holding it at once) would show two `finish` lines across the processes.
 */
function finishedRuns(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"msg":"file run ended"'))
    .map((line) => JSON.parse(line) as RunEnded)
    .filter((run) => run.verdict === 'finish')
    .map((run) => run.file_id);
}

/** Collects the snapshots of a batch's live event stream until its `end` event. */
async function collectSnapshots(url: string): Promise<Batch[]> {
  const res = await fetch(url, { headers: { accept: 'text/event-stream' } });
  assert.equal(res.status, 200);
  const snapshots: Batch[] = [];
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      snapshots.push(JSON.parse(data) as Batch);
      if (event === 'end') {
        await reader.cancel();
        return snapshots;
      }
    }
  }
  return snapshots;
}

void describe(`two server instances on one MongoDB (${target.kind})`, () => {
  void it('share one queue: with one SIGKILLed mid-batch, every file completes exactly once, and both answer status', async () => {
    const docs = await documents();
    const dbName = freshDbName('two_instances');
    const dataDirs = [await tempDir(), await tempDir()];
    const env = (dataDir: string) => ({
      MONGODB_URI: target.uriFor(dbName),
      DATA_DIR: dataDir,
      LEASE_MS: '1500',
      PROCESSING_DELAY_MS: '200',
      CONCURRENCY: '2',
      LOG_LEVEL: 'debug',
    });
    const a: Child = await startChild(env(dataDirs[0]!));
    const b: Child = await startChild(env(dataDirs[1]!));
    try {
      const files = Array.from({ length: 30 }, (_, i) => ({ name: `discharge-${i}.pdf`, data: i % 2 ? docs.pdf : docs.pdf3 }));
      const res = await upload(a.api, files, { patient_id: 'patient-two-42' });
      assert.equal(res.status, 202);
      const { batch_id, events_url } = (await res.json()) as UploadResponse;
      // A client of A watches live; B's work reaches it through the shared store.
      const live = collectSnapshots(new URL(a.api).origin + events_url);

      // Both instances answer status for the batch while it runs, from the one store.
      const running = await waitFor(
        async () => {
          const [fromA, fromB] = await Promise.all([getBatch(a.api, batch_id), getBatch(b.api, batch_id)]);
          return fromA.status === 'processing' && fromB.status === 'processing' && fromB.progress.completed > 0 ? { fromA, fromB } : null;
        },
        { timeoutMs: 20_000, everyMs: 20 },
      );
      assert.equal(running.fromB.total_files, 30);
      assert.equal(running.fromA.id, running.fromB.id);

      // B takes its share of the queue; kill it while it holds files and many are left.
      await waitFor(async () => finishedRuns(b.output()).length >= 3, { timeoutMs: 20_000, everyMs: 10 });
      await killHard(b);
      const byB = new Set(finishedRuns(b.output()));
      const leftAtKill = (await getBatch(a.api, batch_id)).progress.completed;
      assert.ok(leftAtKill < 30, 'B was killed mid-batch');

      const batch = await waitForFinished(a.api, batch_id, {}, 60_000);
      assert.equal(batch.status, 'completed');
      assert.deepEqual(batch.progress, {
        pending: 0,
        processing: 0,
        completed: 30,
        failed: 0,
        cancelled: 0,
        needs_review: 0,
        rejected_at_review: 0,
        percent: 100,
      });
      assert.ok(
        batch.files.every((f) => f.status === 'completed' && f.result),
        'every file ends completed with a result',
      );

      // No file was completed twice: per file, at most one processor run reached its end.
      // (At most CONCURRENCY runs of B may have recorded their outcome and died before logging.)
      const runs = [...finishedRuns(a.output()), ...byB];
      const perFile = new Map<string, number>();
      for (const id of runs) perFile.set(id, (perFile.get(id) ?? 0) + 1);
      assert.deepEqual(
        [...perFile.values()].filter((n) => n > 1),
        [],
        'no file completed twice',
      );
      assert.ok(runs.length >= 28 && runs.length <= 30, `finished runs: ${runs.length}`);
      assert.ok(byB.size >= 3, 'B processed files of a batch uploaded to A');
      for (const file of batch.files) {
        assert.ok(file.attempts >= 1 && file.attempts <= 2, 'a file ran once, or twice when B died holding it');
      }
      // Files B held when it died ran again on A once their lease expired.
      assert.ok(
        batch.files.some((f) => f.attempts === 2),
        'B died holding files',
      );
      assert.match(a.output(), /reclaimed files whose worker stopped/);

      // A's live view showed progress made by B before the batch ended.
      const snapshots = await live;
      const last = snapshots.at(-1)!;
      assert.equal(last.status, 'completed');
      const sawB = snapshots.slice(0, -1).some((s) => s.files.some((f) => f.status === 'completed' && byB.has(f.file_id)));
      assert.ok(sawB, 'a client of A saw files completed by B while the batch ran');

      // Health data stays out of both processes' logs.
      for (const output of [a.output(), b.output()]) assert.doesNotMatch(output, /patient-two-42|discharge-\d+\.pdf/);
    } finally {
      await killHard(b);
      await stopChild(a);
      await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
      if (target.kind === 'mongod') {
        const client = new MongoClient(target.uriFor(dbName));
        await client
          .db(dbName)
          .dropDatabase()
          .finally(() => client.close());
      }
    }
  });

  void it('operate on batches together: a pause made through one holds for both across restarts; resume, retry and analytics through either', async () => {
    const docs = await documents();
    const dbName = freshDbName('two_operations');
    const dataDirs = [await tempDir(), await tempDir()];
    const env = (dataDir: string) => ({ MONGODB_URI: target.uriFor(dbName), DATA_DIR: dataDir, PROCESSING_DELAY_MS: '300', CONCURRENCY: '1' });
    const post = async (api: string, path: string) => (await fetch(api + path, { method: 'POST' })).status;
    let a: Child = await startChild(env(dataDirs[0]!));
    let b: Child = await startChild(env(dataDirs[1]!));
    try {
      const files = [docs.pdf, docs.truncatedPdf, docs.png, docs.pdf3, docs.png, docs.pdf].map((data, i) => ({ name: `letter-${i}.pdf`, data }));
      const { batch_id } = (await (await upload(a.api, files)).json()) as UploadResponse;
      assert.equal(await post(a.api, `/batch/${batch_id}/pause`), 200);

      // Files already running finish; then neither instance takes another.
      const settled = await waitFor(async () => {
        const batch = await getBatch(b.api, batch_id);
        return batch.progress.processing === 0 ? batch : null;
      });
      assert.equal(settled.status, 'paused');
      assert.ok(settled.progress.pending >= 2, `files wait (${JSON.stringify(settled.progress)})`);

      await Promise.all([stopChild(a), stopChild(b)]);
      [a, b] = [await startChild(env(dataDirs[0]!)), await startChild(env(dataDirs[1]!))];
      assert.equal((await getBatch(a.api, batch_id)).status, 'paused', 'the pause outlived both processes');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.deepEqual((await getBatch(b.api, batch_id)).progress, settled.progress, 'no instance claimed a file of the paused batch');

      assert.equal(await post(b.api, `/batch/${batch_id}/resume`), 200);
      const finished = await waitForFinished(a.api, batch_id, {}, 40_000);
      assert.equal(finished.progress.completed, 5);
      assert.equal(finished.files[1]!.error?.code, 'CORRUPT_FILE');

      assert.equal(await post(b.api, `/batch/${batch_id}/retry`), 200);
      const again = await waitForFinished(a.api, batch_id, {}, 40_000);
      assert.equal(again.files[1]!.attempts, 1, 'the retried file started again from 0 attempts');

      const analytics = (await (await fetch(`${a.api}/batch-analytics`)).json()) as AnalyticsResponse;
      assert.deepEqual(analytics.analytics.totals, { batches: 1, files: 6, pending: 0, processing: 0, completed: 5, failed: 1, cancelled: 0 });
      assert.deepEqual(analytics.analytics.top_failures, [{ code: 'CORRUPT_FILE', count: 1 }]);
    } finally {
      await Promise.all([stopChild(a), stopChild(b)]);
      await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
      if (target.kind === 'mongod') {
        const client = new MongoClient(target.uriFor(dbName));
        await client
          .db(dbName)
          .dropDatabase()
          .finally(() => client.close());
      }
    }
  });
});
