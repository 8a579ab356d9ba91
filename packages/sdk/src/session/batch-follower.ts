import type { Batch, BatchFile } from '@batch-uploader/protocol';
import { isBatchFinished } from '../client/batch-finished.js';
import { isAbortError } from '../errors/abort.js';
import { asSdkError } from '../errors/session-error.js';
import type { FileIntake } from './file-intake.js';
import { FileIndex, mergeChanges } from './merge-changes.js';
import { fromServerFile, mergeSnapshot } from './merge-snapshot.js';
import { nextPhase } from './phase.js';
import { outcomeOf } from './outcome.js';
import { selectCounts, selectSummary } from './selectors.js';
import { disposedError, type SessionCore } from './session-core.js';
import { INITIAL_STATE, type SessionState } from './session-state.js';

/**
 * Follows the session's batch on the server: live updates (the client's `watchBatch`)
 * merged into the state, a batch attached by id, suspending and resuming, and the events
 * that say how the batch went (status changes, paused, resumed, finished, error).
 */
export class BatchFollower {
  readonly #core: SessionCore;
  readonly #intake: FileIntake;
  /** Where each server file is in `state.files`, so live changes touch only the files they name. */
  readonly #index = new FileIndex();
  #nextId = 0;
  /** Set by suspend(): no live updates until resume(). */
  #suspended = false;

  constructor(core: SessionCore, intake: FileIntake) {
    this.#core = core;
    this.#intake = intake;
  }

  /** Follows `batchId` until it finishes or `signal` (the run's) aborts; waits for `resume()` while suspended. */
  follow(batchId: string, signal: AbortSignal): void {
    if (this.#suspended) return; // resume() picks it up.
    const core = this.#core;
    const watching = core.client.watchBatch(batchId, {
      signal,
      onUpdate: (batch, changed) => {
        if (!signal.aborted) this.apply(batch, false, changed);
      },
      onChannel: (channel) => {
        if (signal.aborted) return;
        core.store.set((s) => ({ ...s, channel }));
        core.events.emit('channel', { channel });
      },
    });
    watching.then(
      () => {
        if (!signal.aborted) core.store.set((s) => ({ ...s, channel: null }));
      },
      (error: unknown) => {
        if (signal.aborted || isAbortError(error)) return;
        core.store.set((s) => ({ ...s, channel: null, error }));
        core.events.emit('error', { error });
      },
    );
  }

  /** Replaces the session's files with those of an existing batch, and follows it while it runs. */
  async attach(batchId: string): Promise<void> {
    const core = this.#core;
    const signal = core.restartRun();
    const batch = await core.client.getBatch(batchId, { signal });
    if (!core.isCurrent(signal)) return;
    this.#intake.forget(); // The batch's files replace the queued ones.
    const finished = isBatchFinished(batch);
    core.store.set((s) => ({
      ...INITIAL_STATE,
      limits: s.limits,
      phase: nextPhase(nextPhase(s.phase, 'reset'), finished ? 'finished' : 'attached'),
      batchId: batch.id,
      batchStatus: batch.status,
      files: batch.files.map((file) => fromServerFile(`s${++this.#nextId}`, file)),
    }));
    if (finished) this.#emitFinished(batch);
    else this.follow(batch.id, signal);
  }

  /**
   * Shows a server snapshot; `reopen` lets an unfinished one reopen a finished batch (a
   * retry). With `changed` (live changes: the files that differ from the previous
   * update) only those files are merged, when the session knows them all.
   */
  apply(batch: Batch, reopen = false, changed?: readonly BatchFile[]): void {
    const core = this.#core;
    const before = core.state;
    const { state, changes } = (changed && mergeChanges(before, batch, changed, this.#index)) || mergeSnapshot(before, batch, reopen);
    if (state === before) return;
    core.store.set(() => state);
    core.emitStatusChanges(changes);
    const paused = state.batchStatus === 'paused';
    if (state.batchId && state.batchId === before.batchId && paused !== (before.batchStatus === 'paused')) {
      core.events.emit(paused ? 'batch-paused' : 'batch-resumed', { batchId: state.batchId });
    }
    if (state.phase === 'finished' && before.phase !== 'finished') this.#emitFinished(batch);
  }

  suspend(): void {
    if (this.#suspended) return;
    this.#suspended = true;
    if (this.#core.state.phase !== 'processing') return;
    this.#core.restartRun();
    this.#core.store.set((s) => (s.channel === null ? s : { ...s, channel: null }));
  }

  resume(): void {
    if (!this.#suspended) return;
    this.#suspended = false;
    const { phase, batchId } = this.#core.state;
    if (phase === 'processing' && batchId) this.follow(batchId, this.#core.restartRun());
  }

  /** Resolves with the state once the batch finished; rejects when following it fails or the session is disposed. */
  whenFinished(): Promise<SessionState> {
    const core = this.#core;
    return new Promise((resolve, reject) => {
      if (core.disposed) return reject(disposedError());
      if (core.state.phase === 'finished') return resolve(core.state);
      const stop = () => {
        unsubscribe();
        offError();
        core.onDispose.delete(onDispose);
      };
      const unsubscribe = core.store.subscribe((state) => {
        if (state.phase !== 'finished') return;
        stop();
        resolve(state);
      });
      const offError = core.events.on('error', ({ error }) => {
        stop();
        reject(asSdkError(error));
      });
      const onDispose = () => {
        stop();
        reject(disposedError());
      };
      core.onDispose.add(onDispose);
    });
  }

  #emitFinished(batch: Batch): void {
    const state = this.#core.state;
    const counts = selectCounts(state);
    this.#core.events.emit('batch-finished', {
      batchId: batch.id,
      status: batch.status,
      outcome: outcomeOf(batch.status, counts, state.rejected.length),
      counts,
      notSent: state.rejected.length,
      summary: selectSummary(state) ?? '',
    });
  }
}
