import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchEngine, PermanentError } from '../src/index.js';
import { engineHarness } from './support/engine-harness.js';

const harness = engineHarness('engine-ops-', { pollIntervalMs: 1_000 });
const { makeBatch, untilFinished, withEngine } = harness;

describe('BatchEngine with batch operations', () => {
  it('runs retried files again at once, and the batch finishes completed', async () => {
    const { workspace, batchId, fileIds } = await makeBatch(3);
    const failedOnce = new Set<string>();
    const found = await withEngine(
      {
        processor: async (file) => {
          // The OCR service refused these once; a person fixed it and asked for a retry.
          if (file.file_id !== fileIds[0] && !failedOnce.has(file.file_id)) {
            failedOnce.add(file.file_id);
            throw new PermanentError('REJECTED', 'The service refused the document.');
          }
          return { ok: true };
        },
      },
      async (engine) => {
        const first = await untilFinished(workspace, batchId);
        assert.deepEqual(first.batch.counts, { pending: 0, processing: 0, completed: 1, failed: 2, cancelled: 0 });
        const asked = Date.now();
        const retry = await engine.retryFailedFiles(workspace, batchId);
        assert.equal(retry.retried, 2);
        assert.deepEqual(
          retry.batch.files.map((f) => f.status),
          ['completed', 'pending', 'pending'],
          'the batch as the retry left it, before a worker claimed a file',
        );
        const second = await untilFinished(workspace, batchId);
        assert.ok(Date.now() - asked < 900, 'idle workers are woken, not left to their next poll');
        return second;
      },
    );
    assert.deepEqual(found.batch.counts, { pending: 0, processing: 0, completed: 3, failed: 0, cancelled: 0 });
    assert.ok(found.files.every((f) => f.attempts === 1 && f.error === null));
  });
});
