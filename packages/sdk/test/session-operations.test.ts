/**
 * The session's batch operations (retry on the server, pause and resume, large
 * batches in several requests) against the real demo server, started in-process on a
 * free port with its own data folder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchSession, canRetryFile, selectCanPause, selectCanResume, selectOutcome, selectRetryableCount, type SessionFileStatus } from '../src/index.js';
import { makePng, truncatedPdf } from '@batch-uploader/test-support/small-documents';
import { demoSkip as skip, startDemo, startProcessingService, type RunningDemo } from './demo.js';

describe('BatchSession operations against the demo server', { skip }, () => {
  let demo: RunningDemo & { api: string };
  before(async () => {
    demo = await startDemo({ processingDelayMs: 100, concurrency: 1 });
  });
  after(async () => {
    await demo?.close();
  });
  const png = (name: string) => new File([makePng()], name, { type: 'image/png', lastModified: name.length });

  it('after a "reload", retryFailed reopens the same batch on the server and follows it again to its end', async () => {
    // The processing service is unavailable for flaky.png until its attempts are used up.
    const service = await startProcessingService((name) => (name === 'flaky.png' ? 3 : 0));
    const flaky = await startDemo({ processingDelayMs: 0, concurrency: 1, processorUrl: service.url });
    try {
      const first = new BatchSession({ client: { endpoint: flaky.api } });
      await first.addFiles([png('flaky.png'), new File([await truncatedPdf()], 'broken.pdf', { type: 'application/pdf' }), png('fine.png')]);
      const batchId = await first.start();
      await first.whenFinished();
      first.dispose(); // the page goes away; only the id survives

      const session = new BatchSession({ client: { endpoint: flaky.api } });
      await session.attach(batchId);
      assert.equal(session.getState().phase, 'finished');
      assert.deepEqual(
        session.getState().files.map((f) => [f.name, f.status, f.error?.code ?? null, canRetryFile(f)]),
        [
          ['flaky.png', 'failed', 'PROCESSING_FAILED', true],
          ['broken.pdf', 'failed', 'CORRUPT_FILE', false],
          ['fine.png', 'completed', null, false],
        ],
      );
      assert.equal(selectRetryableCount(session.getState()), 1, 'an attached batch can be retried (the server kept the bytes), the damaged file not');
      const steps: SessionFileStatus[] = [];
      session.on('file-status', ({ file }) => {
        if (file.name === 'flaky.png') steps.push(file.status);
      });
      assert.equal(await session.retryFailed(), batchId);
      const state = await session.whenFinished();
      assert.equal(state.batchId, batchId);
      assert.equal(steps[0], 'pending', 'the failed file went back to pending');
      assert.equal(steps.at(-1), 'completed', 'and succeeded this time');
      assert.equal((await session.client.getBatch(batchId)).files[0]!.attempts, 1, 'attempts were reset by the retry');
      assert.equal(selectOutcome(state), 'partial', 'the damaged file still failed');
      session.dispose();
    } finally {
      await flaky.close();
      await service.close();
    }
  });

  it('pauses the batch being processed (shown as paused, waiting files stay pending), resumes it, and it finishes', async () => {
    const session = new BatchSession({ client: { endpoint: demo.api }, priority: 'high' });
    await session.addFiles(['a', 'b', 'c', 'd', 'e'].map((n) => png(`${n}.png`)));
    assert.equal(selectCanPause(session.getState()), false, 'nothing to pause before the upload');
    const batchId = await session.start();
    assert.ok(selectCanPause(session.getState()));
    await session.pauseBatch();
    let state = session.getState();
    assert.equal(state.batchStatus, 'paused');
    assert.equal(state.phase, 'processing');
    assert.ok(selectCanResume(state) && !selectCanPause(state));
    const server = await session.client.getBatch(batchId);
    assert.equal(server.status, 'paused');
    assert.equal(server.priority, 'high', 'the session priority went with the upload');
    assert.ok(server.progress.pending >= 1, 'waiting files stay pending');

    await session.resumeBatch();
    assert.notEqual(session.getState().batchStatus, 'paused');
    state = await session.whenFinished();
    assert.equal(state.batchStatus, 'completed');
    assert.equal(selectCanResume(state) || selectCanPause(state), false);
    await session.pauseBatch(); // finished: nothing to pause, no error
    session.dispose();
  });
});
