import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { UploadResponse } from '@batch-uploader/protocol';
import { startDemoServer } from '@batch-uploader/test-support/demo-server';
import { documents } from '@batch-uploader/test-support/documents';
import { tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import type { HealthAnswer } from '../src/health.js';

async function health(url: string): Promise<{ status: number; body: HealthAnswer; cache: string | null }> {
  const res = await fetch(`${url}/health`);
  return { status: res.status, body: (await res.json()) as HealthAnswer, cache: res.headers.get('cache-control') };
}

describe('ROLE: what a demo server process does', () => {
  it('all (the default) serves the API, processes, and reports its runs in GET /health', async () => {
    const server = await startDemoServer({ concurrency: 2 });
    try {
      const before = await health(server.url);
      assert.equal(before.status, 200);
      assert.equal(before.cache, 'no-store');
      assert.deepEqual({ ...before.body, instance: '' }, { status: 'ok', role: 'all', instance: '', concurrency: 2, in_flight: 0, runs_ended: 0 });
      const docs = await documents();
      const res = await upload(server.api, [
        { name: 'a.pdf', data: docs.pdf },
        { name: 'b.png', data: docs.png },
      ]);
      const { batch_id } = (await res.json()) as UploadResponse;
      assert.equal((await waitForFinished(server.api, batch_id)).progress.completed, 2);
      const after = (await health(server.url)).body;
      assert.equal(after.runs_ended, 2);
      assert.equal(after.in_flight, 0);
      assert.equal(after.instance, before.body.instance);
    } finally {
      await server.close();
    }
  });

  it('worker serves only GET /health: no API, no pages', async () => {
    const server = await startDemoServer({ role: 'worker' });
    try {
      const answer = await health(server.url);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.role, 'worker');
      assert.equal(answer.body.concurrency, 3);
      for (const path of ['/', '/api/gp/limits', '/api/gp/batch-history']) {
        const res = await fetch(server.url + path);
        assert.equal(res.status, 404, path);
        await res.body?.cancel();
      }
      const post = await upload(server.api, [{ name: 'a.pdf', data: (await documents()).pdf }]);
      assert.equal(post.status, 404, 'a worker takes no upload');
    } finally {
      await server.close();
    }
  });

  it('api takes uploads, reports concurrency 0, and a worker on the same DATA_DIR processes them', async () => {
    const dataDir = await tempDir();
    const api = await startDemoServer({ role: 'api', dataDir });
    let worker: Awaited<ReturnType<typeof startDemoServer>> | null = null;
    try {
      assert.deepEqual(
        { ...(await health(api.url)).body, instance: '' },
        { status: 'ok', role: 'api', instance: '', concurrency: 0, in_flight: 0, runs_ended: 0 },
      );
      const res = await upload(api.api, [{ name: 'a.pdf', data: (await documents()).pdf3 }]);
      assert.equal(res.status, 202);
      const { batch_id } = (await res.json()) as UploadResponse;
      worker = await startDemoServer({ role: 'worker', dataDir });
      const batch = await waitForFinished(api.api, batch_id);
      assert.equal(batch.files[0]!.status, 'completed');
      assert.equal((batch.files[0]!.result as { pages?: number }).pages, 3);
      assert.equal((await health(worker.url)).body.runs_ended, 1);
      assert.equal((await health(api.url)).body.runs_ended, 0);
    } finally {
      await worker?.close();
      await api.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
