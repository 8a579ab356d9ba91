import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UploadResponse } from '@batch-uploader/protocol';
import { startChild, killHard, type Child } from './child-server.js';
import { documents } from '@batch-uploader/test-support/documents';
import { getBatch, listFiles, tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

describe('crash recovery', () => {
  it('after kill -9 mid-batch and a restart on the same data, every file completes and none is stuck', async () => {
    const docs = await documents();
    const dataDir = await tempDir();
    const env = { DATA_DIR: dataDir, LEASE_MS: '1500', PROCESSING_DELAY_MS: '400', CONCURRENCY: '2' };
    const first = await startChild(env);
    let second: Child | null = null;
    try {
      const files = Array.from({ length: 10 }, (_, i) => ({ name: `record-${i}.pdf`, data: i % 2 ? docs.pdf : docs.pdf3 }));
      const res = await upload(first.api, files, { patient_id: 'patient-crash-7' });
      assert.equal(res.status, 202);
      const { batch_id } = (await res.json()) as UploadResponse;

      // Kill it while some files are done and others are being processed.
      await waitFor(
        async () => {
          const batch = await getBatch(first.api, batch_id);
          return batch.progress.completed >= 2 && batch.progress.processing > 0;
        },
        { timeoutMs: 20_000, everyMs: 20 },
      );
      await killHard(first);
      const killedAt = Date.now();

      second = await startChild(env);
      // Files the dead process held: still `processing`, started before the kill (the new
      // process may already have claimed fresh pending files of its own).
      const interrupted = (await getBatch(second.api, batch_id)).files.filter((f) => f.status === 'processing' && Date.parse(f.started_at!) < killedAt);
      assert.ok(interrupted.length > 0, 'the killed process left files in processing');

      const batch = await waitForFinished(second.api, batch_id, {}, 40_000);
      assert.equal(batch.status, 'completed');
      assert.deepEqual(batch.progress, {
        pending: 0,
        processing: 0,
        completed: 10,
        failed: 0,
        cancelled: 0,
        needs_review: 0,
        rejected_at_review: 0,
        percent: 100,
      });
      for (const file of batch.files.filter((f) => interrupted.some((i) => i.file_id === f.file_id))) {
        assert.equal(file.attempts, 2, 'an interrupted file ran again once');
      }

      // Health data stays out of the logs of both processes.
      for (const output of [first.output(), second.output()]) {
        assert.doesNotMatch(output, /patient-crash-7|record-\d\.pdf/);
      }
      assert.match(second.output(), /reclaimed files whose worker stopped/);
    } finally {
      if (first.process.exitCode === null && first.process.signalCode === null) await killHard(first);
      if (second && second.process.exitCode === null) {
        second.process.kill('SIGTERM');
        await new Promise((resolve) => second!.process.once('exit', resolve));
      }
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('sweeps uploads left by a dead process at start-up, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'uploads'), { recursive: true });
    const stale = join(dataDir, 'uploads', 'left-by-a-crash.upload');
    await writeFile(stale, 'partial bytes');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stale, hourAgo, hourAgo);
    const fresh = join(dataDir, 'uploads', 'still-arriving.upload');
    await writeFile(fresh, 'bytes another process is receiving');

    const child = await startChild({ DATA_DIR: dataDir });
    const exited = new Promise<number | null>((resolve) => child.process.once('exit', resolve));
    assert.deepEqual(await listFiles(join(dataDir, 'uploads')), ['still-arriving.upload']);
    child.process.kill('SIGTERM');
    assert.equal(await exited, 0);
    await rm(dataDir, { recursive: true, force: true });
  });
});
