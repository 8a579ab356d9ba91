import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { UploadResponse } from '@batch-uploader/protocol';
import { MongoClient } from '@batch-uploader/server/mongodb';
import { freshDbName, mongoTarget } from '@batch-uploader/test-support/mongo-target';
import { documents } from '@batch-uploader/test-support/documents';
import { getBatch, tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';
import { killHard, startChild, stopChild, type Child } from './child-server.js';
import type { HealthAnswer } from '../src/health.js';

// A real MongoDB when MONGODB_URI is set, else the in-process wire test server; either way
// the api and the workers are separate processes talking to it over TCP. The same
// scenario runs on SQLite, with the processes sharing one DATA_DIR on this machine.
const target = await mongoTarget();
after(() => target.close());

/** Ids of files whose processor run ended and whose outcome was recorded, from a process's debug log. */
function finishedRuns(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"msg":"file run ended"'))
    .map((line) => JSON.parse(line) as { file_id: string; verdict: string })
    .filter((run) => run.verdict === 'finish')
    .map((run) => run.file_id);
}

async function health(child: Child): Promise<HealthAnswer> {
  const res = await fetch(`${child.url}/health`);
  assert.equal(res.status, 200);
  return (await res.json()) as HealthAnswer;
}

/** What each uploaded file must end as: valid documents complete with their page count, a cut PDF fails. */
interface Expected {
  status: 'completed' | 'failed';
  pages?: number;
  code?: string;
}

interface Setup {
  /** Environment of every process: the shared store. */
  env: Record<string, string>;
  /** Extra environment per process (its own DATA_DIR with MongoDB). */
  own: () => Promise<Record<string, string>>;
  cleanup(): Promise<void>;
}

async function mongoSetup(): Promise<Setup> {
  const dbName = freshDbName('processing_tier');
  const dirs: string[] = [];
  return {
    env: { MONGODB_URI: target.uriFor(dbName) },
    async own() {
      const dir = await tempDir();
      dirs.push(dir);
      return { DATA_DIR: dir };
    },
    async cleanup() {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
      if (target.kind !== 'mongod') return;
      const client = new MongoClient(target.uriFor(dbName));
      await client
        .db(dbName)
        .dropDatabase()
        .finally(() => client.close());
    },
  };
}

async function sqliteSetup(): Promise<Setup> {
  const dir = await tempDir();
  return {
    env: { DATA_DIR: dir },
    own: async () => ({}),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

const stores: [string, () => Promise<Setup>][] = [
  [`MongoDB (${target.kind})`, mongoSetup],
  ['SQLite, one DATA_DIR', sqliteSetup],
];

for (const [name, setup] of stores) {
  void describe(`a processing tier on ${name}: ROLE=api and two ROLE=worker processes`, () => {
    void it('with one worker SIGKILLed mid-batch, every file ends as it should, once; the api processes nothing', async () => {
      const docs = await documents();
      const { env, own, cleanup } = await setup();
      const common = { ...env, LEASE_MS: '1500', PROCESSING_DELAY_MS: '250', CONCURRENCY: '2', LOG_LEVEL: 'debug' };
      const children: Child[] = [];
      try {
        const api = await startChild({ ...common, ...(await own()), ROLE: 'api' });
        children.push(api);
        const [w1, w2] = await Promise.all([
          startChild({ ...common, ...(await own()), ROLE: 'worker' }),
          startChild({ ...common, ...(await own()), ROLE: 'worker' }),
        ]);
        children.push(w1, w2);

        // A worker serves its health and nothing of the API.
        assert.equal(w1.api, '');
        assert.deepEqual({ ...(await health(w1)), instance: '' }, { status: 'ok', role: 'worker', instance: '', concurrency: 2, in_flight: 0, runs_ended: 0 });
        assert.equal((await fetch(`${w1.url}/api/gp/limits`)).status, 404);
        assert.equal((await health(api)).role, 'api');

        const kinds = [
          { data: docs.pdf3, expected: { status: 'completed', pages: 3 } },
          { data: docs.pdf, expected: { status: 'completed', pages: 1 } },
          { data: docs.truncatedPdf, expected: { status: 'failed', code: 'CORRUPT_FILE' } },
          { data: docs.png, expected: { status: 'completed' } },
        ] as const;
        const files = Array.from({ length: 40 }, (_, i) => ({ name: `referral-${i}.pdf`, data: kinds[i % kinds.length]!.data }));
        const expected: Expected[] = files.map((_, i) => kinds[i % kinds.length]!.expected);
        const res = await upload(api.api, files, { patient_id: 'patient-tier-77' });
        assert.equal(res.status, 202);
        const { batch_id } = (await res.json()) as UploadResponse;

        // Kill the first worker while it holds files, after it has finished a few.
        await waitFor(
          async () => {
            const now = await health(w1);
            return now.runs_ended >= 3 && now.in_flight > 0 ? now : null;
          },
          { timeoutMs: 30_000, everyMs: 10 },
        );
        await killHard(w1);
        const byW1 = finishedRuns(w1.output());
        assert.ok((await getBatch(api.api, batch_id)).progress.percent < 100, 'the worker was killed mid-batch');

        // Status through the api follows the remaining worker's progress to the end.
        const batch = await waitForFinished(api.api, batch_id, {}, 90_000);
        assert.equal(batch.status, 'completed', 'a batch with some failed files completes');
        assert.equal(batch.total_files, 40);
        assert.deepEqual(batch.progress, {
          pending: 0,
          processing: 0,
          completed: 30,
          failed: 10,
          cancelled: 0,
          needs_review: 0,
          rejected_at_review: 0,
          percent: 100,
        });
        for (const [i, file] of batch.files.entries()) {
          const want = expected[i]!;
          assert.equal(file.status, want.status, `file ${i}`);
          if (want.status === 'completed') {
            assert.ok(file.result, `file ${i} has its result`);
            if (want.pages !== undefined) assert.equal((file.result as { pages?: number }).pages, want.pages, `file ${i} pages`);
          } else {
            assert.equal(file.error?.code, want.code, `file ${i} error`);
          }
          assert.ok(file.attempts >= 1 && file.attempts <= 2, `file ${i} ran once, or twice when the killed worker held it`);
        }
        assert.ok(
          batch.files.some((f) => f.attempts === 2),
          'files the killed worker held ran again elsewhere',
        );
        // Whichever instance swept first put them back: the api sweeps leases too, but runs nothing.
        assert.match(api.output() + w2.output(), /reclaimed files whose worker stopped/);

        // Per file, at most one run reached its end and recorded an outcome. A run of the
        // killed worker may have recorded its outcome and died before logging: at most CONCURRENCY.
        const runs = [...byW1, ...finishedRuns(w2.output())];
        const perFile = new Map<string, number>();
        for (const id of runs) perFile.set(id, (perFile.get(id) ?? 0) + 1);
        assert.deepEqual(
          [...perFile.entries()].filter(([, n]) => n > 1),
          [],
          'no file finished twice',
        );
        assert.ok(runs.length >= 38 && runs.length <= 40, `finished runs: ${runs.length}`);
        assert.ok(
          byW1.length >= 3 && finishedRuns(w2.output()).length >= 3,
          `both workers took their share (${byW1.length}, ${finishedRuns(w2.output()).length})`,
        );

        // The api process ran nothing: its health says so, and its log has no run.
        assert.deepEqual({ ...(await health(api)), instance: '' }, { status: 'ok', role: 'api', instance: '', concurrency: 0, in_flight: 0, runs_ended: 0 });
        assert.doesNotMatch(api.output(), /"msg":"file run ended"/);
        assert.match(api.output(), /engine started without processing/);
        const w2Health = await health(w2);
        assert.equal(w2Health.in_flight, 0);
        assert.ok(w2Health.runs_ended >= finishedRuns(w2.output()).length);

        // Health data stays out of every process's log.
        for (const child of children) assert.doesNotMatch(child.output(), /patient-tier-77|referral-\d+\.pdf/);
      } finally {
        await Promise.all(children.map((child) => stopChild(child)));
        await cleanup();
      }
    });
  });
}
