import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Batch, RetryResponse } from '@batch-uploader/protocol';
import { BatchClient, BatchSession, type WatchOptions } from '../src/index.js';
import { ATTEMPTS_USED_UP, ENDPOINT, fakeBatch } from './helpers.js';

/**
 * A client whose answers the test hands out, so snapshots can reach the session in
 * any order (as they can over the network: a live update sent before a cancel answer
 * may arrive after it).
 */
class ScriptedClient extends BatchClient {
  updates: Array<(batch: Batch) => void> = [];
  constructor(
    private readonly first: Batch,
    private readonly answers: { cancel?: Batch; pause?: Batch; retry?: RetryResponse } = {},
  ) {
    super({ endpoint: ENDPOINT });
  }
  override getBatch(): Promise<Batch> {
    return Promise.resolve(this.first);
  }
  override watchBatch(_batchId: string, options: WatchOptions = {}): Promise<Batch> {
    this.updates.push((batch) => options.onUpdate?.(batch));
    return new Promise(() => {}); // Follows until the test is done.
  }
  override cancelBatch(): Promise<Batch> {
    return Promise.resolve(this.answers.cancel!);
  }
  override pauseBatch(): Promise<Batch> {
    return Promise.resolve(this.answers.pause!);
  }
  override retryFailedFiles(): Promise<RetryResponse> {
    return Promise.resolve(this.answers.retry!);
  }
}

describe('BatchSession: snapshots out of order (no network)', () => {
  it('a batch cancelled while processing stays finished when an older live update arrives after the cancel answer', async () => {
    const processing = fakeBatch('b1', ['completed', 'processing', 'pending']);
    const cancelled = fakeBatch('b1', ['completed', 'completed', 'cancelled'], 'cancelled', true);
    const client = new ScriptedClient(processing, { cancel: cancelled });
    const session = new BatchSession({ client });
    const finished: string[] = [];
    session.on('batch-finished', ({ status }) => finished.push(status));
    await session.attach('b1');
    assert.equal(session.getState().phase, 'processing');

    await session.cancel();
    assert.equal(session.getState().phase, 'finished');
    client.updates.at(-1)!(processing); // Sent before the cancel, received after it.

    const state = session.getState();
    assert.equal(state.phase, 'finished');
    assert.equal(state.batchStatus, 'cancelled');
    assert.deepEqual(
      state.files.map((f) => f.status),
      ['completed', 'completed', 'cancelled'],
    );
    assert.deepEqual(finished, ['cancelled'], 'batch-finished once');
    session.dispose();
  });

  it('a pause answer overtaken by a later live update does not take files back; the update after it finishes the batch', async () => {
    const at = (batch: Batch, time: string): Batch => ({ ...batch, updated_at: `2026-01-01T00:00:0${time}.000Z` });
    const processing = at(fakeBatch('b3', ['processing', 'processing', 'pending']), '1');
    const pausedAnswer = at(fakeBatch('b3', ['processing', 'processing', 'pending'], 'paused'), '2');
    const client = new ScriptedClient(processing, { pause: pausedAnswer });
    const session = new BatchSession({ client });
    await session.attach('b3');
    const pausing = session.pauseBatch();
    // Sent after the pause, received before its answer: the running files finished.
    client.updates.at(-1)!(at(fakeBatch('b3', ['completed', 'completed', 'pending'], 'paused'), '3'));
    await pausing;
    assert.deepEqual(
      session.getState().files.map((f) => f.status),
      ['completed', 'completed', 'pending'],
      'the older answer is not shown over the newer update',
    );
    assert.equal(session.getState().batchStatus, 'paused');
    session.dispose();
  });

  it('a finished batch reopens when its failed files are retried', async () => {
    const failed = fakeBatch('b2', ['completed', 'failed'], 'completed', true, ATTEMPTS_USED_UP);
    const reopened = fakeBatch('b2', ['completed', 'pending']);
    const client = new ScriptedClient(failed, { retry: { status: 'success', batch: reopened, retried: 1, not_retryable: 0 } });
    const session = new BatchSession({ client });
    await session.attach('b2');
    assert.equal(session.getState().phase, 'finished');

    await session.retryFailed();
    assert.equal(session.getState().phase, 'processing');
    assert.deepEqual(
      session.getState().files.map((f) => f.status),
      ['completed', 'pending'],
    );
    session.dispose();
  });
});
