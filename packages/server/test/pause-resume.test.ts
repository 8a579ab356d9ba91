import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { BatchStatusResponse, ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { asA, asB, getBatch, tempDir, twoClinics, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

let docs: Documents;
before(async () => {
  docs = await documents();
});

async function post(api: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(api + path, { method: 'POST', headers });
  return { status: res.status, body: await res.json() };
}

describe('pause and resume', () => {
  it('a paused batch stays paused across a restart with nothing claimed, and finishes once resumed', async () => {
    const dataDir = await tempDir();
    const config = { dataDir, processingDelayMs: 250, concurrency: 1 };
    let server = await startTestServer(config);
    try {
      const res = await upload(
        server.api,
        Array.from({ length: 5 }, (_, i) => ({ name: `p${i}.png`, data: docs.png })),
      );
      const { batch_id } = (await res.json()) as UploadResponse;

      const paused = await post(server.api, `/batch/${batch_id}/pause`);
      assert.equal(paused.status, 200);
      assertConforms('POST', '/batch/{batch_id}/pause', 200, paused.body);
      assert.equal((paused.body as BatchStatusResponse).batch.status, 'paused');

      // The file already running when the pause came finishes; the others wait.
      const settled = await waitFor(async () => {
        const batch = await getBatch(server.api, batch_id);
        return batch.progress.processing === 0 ? batch : null;
      });
      assert.equal(settled.status, 'paused');
      assert.ok(settled.progress.pending >= 3, `files wait (${JSON.stringify(settled.progress)})`);

      await server.close();
      server = await startTestServer(config);
      const afterRestart = await getBatch(server.api, batch_id);
      assert.equal(afterRestart.status, 'paused');
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const still = await getBatch(server.api, batch_id);
      assert.deepEqual(still.progress, settled.progress, 'nothing was claimed after the restart');
      assert.ok(still.files.filter((f) => f.status === 'pending').every((f) => f.attempts === 0));

      const again = await post(server.api, `/batch/${batch_id}/pause`);
      assert.equal(again.status, 200, 'pausing a paused batch is fine');

      const resumed = await post(server.api, `/batch/${batch_id}/resume`);
      assert.equal(resumed.status, 200);
      assertConforms('POST', '/batch/{batch_id}/resume', 200, resumed.body);
      assert.notEqual((resumed.body as BatchStatusResponse).batch.status, 'paused');
      const finished = await waitForFinished(server.api, batch_id);
      assert.equal(finished.status, 'completed');
      assert.equal(finished.progress.completed, 5);
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("answers 409 for a finished or cancelled batch, 404 for another workspace's, 400 for a malformed id", async () => {
    const server = await startTestServer({ apiTokens: twoClinics(), processingDelayMs: 200, concurrency: 1 });
    try {
      const done = (await (await upload(server.api, [{ name: 'd.png', data: docs.png }], {}, asA)).json()) as UploadResponse;
      await waitForFinished(server.api, done.batch_id, asA);
      for (const action of ['pause', 'resume']) {
        const answer = await post(server.api, `/batch/${done.batch_id}/${action}`, asA);
        assert.equal(answer.status, 409, action);
        assertConforms('POST', `/batch/{batch_id}/${action}`, 409, answer.body);
        assert.equal((answer.body as ErrorResponse).error.code, 'BATCH_NOT_OPEN');
      }

      const open = (await (
        await upload(
          server.api,
          Array.from({ length: 4 }, () => ({ name: 'o.png', data: docs.png })),
          {},
          asA,
        )
      ).json()) as UploadResponse;
      const stranger = await post(server.api, `/batch/${open.batch_id}/pause`, asB);
      assert.equal(stranger.status, 404);
      assertConforms('POST', '/batch/{batch_id}/pause', 404, stranger.body);
      assert.notEqual((await getBatch(server.api, open.batch_id, asA)).status, 'paused', 'another workspace cannot pause it');

      const malformed = await post(server.api, '/batch/not-a-uuid/resume', asA);
      assert.equal(malformed.status, 400);
      assertConforms('POST', '/batch/{batch_id}/resume', 400, malformed.body);

      await post(server.api, `/batch/${open.batch_id}/pause`, asA);
      const cancelled = await post(server.api, `/batch/${open.batch_id}/cancel`, asA);
      assert.equal((cancelled.body as BatchStatusResponse).batch.status, 'cancelled', 'a paused batch can be cancelled');
      const resume = await post(server.api, `/batch/${open.batch_id}/resume`, asA);
      assert.equal(resume.status, 409);
    } finally {
      await server.close();
    }
  });
});
