import type { Batch, ReviewDecision } from '@batch-uploader/protocol';
import { isAbortError } from '../errors/abort.js';
import { isApiError } from '../errors/api-error.js';
import { SessionError } from '../errors/session-error.js';
import type { BatchFollower } from './batch-follower.js';
import { selectCanRetry } from './selectors.js';
import type { SessionCore } from './session-core.js';

/**
 * What a session asks the server to do with its batch: cancel, pause, resume, retry the
 * failed files. Answers are shown like live updates; a batch that finished meanwhile is
 * simply shown finished.
 */
export class BatchCommands {
  readonly #core: SessionCore;
  readonly #follower: BatchFollower;
  /** The retry request in flight, so a second click joins it instead of sending another. */
  #retrying: Promise<string> | null = null;
  /** Review decisions in flight, by file and decision, so a second click joins the first. */
  readonly #reviewing = new Map<string, Promise<void>>();

  constructor(core: SessionCore, follower: BatchFollower) {
    this.#core = core;
    this.#follower = follower;
  }

  async cancel(): Promise<void> {
    if (this.#core.state.phase === 'uploading') {
      this.#core.abortRun();
      return;
    }
    await this.#operate((id) => this.#core.client.cancelBatch(id));
  }

  pause(): Promise<void> {
    return this.#operate((id) => this.#core.client.pauseBatch(id));
  }

  resume(): Promise<void> {
    return this.#operate((id) => this.#core.client.resumeBatch(id));
  }

  retryFailed(): Promise<string> {
    if (this.#retrying) return this.#retrying;
    const core = this.#core;
    const { batchId } = core.state;
    if (!selectCanRetry(core.state) || !batchId)
      return Promise.reject(new SessionError('NOTHING_TO_RETRY', 'Nothing to retry: no failed file in a finished batch.'));
    const signal = core.restartRun();
    const retrying = core.client.retryFailedFiles(batchId, { signal }).then(
      (answer) => {
        if (!core.isCurrent(signal)) return batchId;
        core.store.set((s) => ({ ...s, error: null }));
        this.#follower.apply(answer.batch, true);
        core.events.emit('batch-retried', { batchId, retried: answer.retried, notRetryable: answer.not_retryable });
        this.#follower.follow(batchId, signal);
        return batchId;
      },
      (error: unknown) => {
        if (core.isCurrent(signal) && !isAbortError(error)) core.store.set((s) => ({ ...s, error }));
        throw error;
      },
    );
    this.#retrying = retrying;
    const done = () => {
      if (this.#retrying === retrying) this.#retrying = null;
    };
    retrying.then(done, done);
    return retrying;
  }

  /**
   * Sends staff's decision on a file the server holds for review (`needsReview`) and
   * shows the answer. A decision already in flight for the file is joined, not sent twice.
   */
  reviewFile(id: string, decision: ReviewDecision): Promise<void> {
    const core = this.#core;
    core.assertUsable();
    const { batchId, files } = core.state;
    const file = files.find((f) => f.id === id);
    if (!batchId || !file?.fileId || !file.review) {
      return Promise.reject(new SessionError('NOTHING_TO_REVIEW', 'This file is not held for review.'));
    }
    const key = `${file.fileId}:${decision}`;
    const pending = this.#reviewing.get(key);
    if (pending) return pending;
    const fileId = file.fileId;
    const sending = core.client.reviewFile(batchId, fileId, decision).then((answer) => {
      if (core.disposed || core.state.batchId !== answer.batch.id) return;
      this.#follower.apply(answer.batch);
      const reviewed = core.state.files.find((f) => f.fileId === fileId);
      if (reviewed) core.events.emit('file-reviewed', { file: reviewed, decision: answer.file.review?.decision ?? null });
    });
    this.#reviewing.set(key, sending);
    const done = () => this.#reviewing.delete(key);
    sending.then(done, done);
    return sending;
  }

  /** Runs cancel, pause or resume on the batch being processed and shows the answer. */
  async #operate(operation: (batchId: string) => Promise<Batch>): Promise<void> {
    const core = this.#core;
    core.assertUsable();
    const { phase, batchId } = core.state;
    if (phase !== 'processing' || !batchId) return;
    let batch: Batch;
    try {
      batch = await operation(batchId);
    } catch (error) {
      // It finished on its own meanwhile: show how it ended.
      if (!isApiError(error) || error.code !== 'BATCH_NOT_OPEN') throw error;
      batch = await core.client.getBatch(batchId);
    }
    if (!core.disposed && core.state.batchId === batch.id) this.#follower.apply(batch);
  }
}
