/**
 * The session's batch operations (retry on the server, pause and resume, large
 * batches in several requests) against the real demo server, started in-process on a
 * free port with its own data folder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchSession, selectCanPause, selectCanResume, selectCanRetry, type SessionFileStatus } from '../src/index.js';
import { makePng, truncatedPdf } from './fixtures.js';
import { demoSkip as skip, startDemo, type RunningDemo } from './demo.js';

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
    const first = new BatchSession({ client: { endpoint: demo.api } });
    await first.addFiles([new File([await truncatedPdf()], 'broken.pdf', { type: 'application/pdf' }), png('fine.png')]);
    const batchId = await first.start();
    await first.whenFinished();
    first.dispose(); // the page goes away; only the id survives

    const session = new BatchSession({ client: { endpoint: demo.api } });
    await session.attach(batchId);
    assert.equal(session.getState().phase, 'finished');
    assert.ok(selectCanRetry(session.getState()), 'an attached batch can be retried: the server kept the bytes');
    const steps: SessionFileStatus[] = [];
    session.on('file-status', ({ file }) => {
      if (file.name === 'broken.pdf') steps.push(file.status);
    });
    assert.equal(await session.retryFailed(), batchId);
    const state = await session.whenFinished();
    assert.equal(state.batchId, batchId);
    assert.equal(steps[0], 'pending', 'the failed file went back to pending');
    assert.equal(steps.at(-1), 'failed', 'and failed again for the same reason');
    assert.equal(state.files[0]!.error?.code, 'CORRUPT_FILE');
    assert.equal(state.files[1]!.status, 'completed');
    assert.equal((await session.client.getBatch(batchId)).files[0]!.attempts, 1, 'attempts were reset by the retry');
    session.dispose();
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
