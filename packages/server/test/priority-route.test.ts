import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UploadResponse } from '@batch-uploader/protocol';
import { documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { upload, waitForFinished } from '@batch-uploader/test-support/http';

describe('batch priority', () => {
  it('a high batch uploaded after a low one is processed first; the low one then finishes', async () => {
    const docs = await documents();
    const server = await startTestServer({ processingDelayMs: 150, concurrency: 1 });
    try {
      const send = async (priority: string) => {
        const res = await upload(
          server.api,
          Array.from({ length: 3 }, (_, i) => ({ name: `${priority}-${i}.png`, data: docs.png })),
          { priority },
        );
        assert.equal(res.status, 202);
        return ((await res.json()) as UploadResponse).batch_id;
      };
      const lowId = await send('low');
      const highId = await send('high');
      const [low, high] = [await waitForFinished(server.api, lowId), await waitForFinished(server.api, highId)];
      assertConforms('GET', '/batch-status/{batch_id}', 200, { status: 'success', batch: low });
      assert.equal(low.priority, 'low');
      assert.equal(high.priority, 'high');
      const lastHigh = Math.max(...high.files.map((f) => Date.parse(f.completed_at!)));
      // The low batch's first file may have started before the high batch arrived.
      const laterLow = low.files.slice(1).map((f) => Date.parse(f.started_at!));
      assert.ok(
        laterLow.every((t) => t >= lastHigh),
        'the rest of the low batch waited for the high batch',
      );
      assert.equal(low.status, 'completed');
    } finally {
      await server.close();
    }
  });
});
