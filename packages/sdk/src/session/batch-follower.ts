import type { Batch, BatchFile } from '@batch-uploader/protocol';
import { isBatchFinished } from '../client/batch-finished.js';
import { isAbortError } from '../errors/abort.js';
import { asSdkError } from '../errors/session-error.js';
import type { FileIntake } from './file-intake.js';
import { FileIndex, mergeChanges } from './merge-changes.js';
import { fromServerFile, mergeSnapshot } from './merge-snapshot.js';
import { nextPhase } from './phase.js';
import { outcomeOf, selectOutcome } from './outcome.js';
import { selectCounts, selectSummary } from './selectors.js';
import { disposedError, type SessionCore } from './session-core.js';
import type { ConnectionState } from '../client/watch-batch.js';
import { INITIAL_STATE, type InterruptedUpload, type SessionState } from './session-state.js';

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
  /** The batch and `updated_at` of the newest snapshot shown. */
  #shown: { batchId: string; at: number } | null = null;

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
      onConnection: (connection) => {
        if (!signal.aborted) this.#setConnection(connection);
      },
      // A session keeps trying while the page is open: an outage ends, and the batch goes
      // on on the server meanwhile. Only answers that will not change (401, 404) stop it.
      maxConsecutiveErrors: Infinity,
    });
    watching.then(
      () => {
        if (signal.aborted) return;
        core.store.set((s) => ({ ...s, channel: null }));
        this.#setConnection('connected');
      },
      (error: unknown) => {
        if (signal.aborted || isAbortError(error)) return;
        core.store.set((s) => ({ ...s, channel: null, error }));
        this.#setConnection('connected');
        core.events.emit('error', { error });
      },
    );
  }

  /**
   * While reconnecting: tries the server now rather than after the backoff (the watch
   * starts again, live events first). Does nothing otherwise.
   */
  reconnectNow(): void {
    const { phase, batchId, connection, interrupted } = this.#core.state;
    if (connection !== 'reconnecting' || phase !== 'processing' || !batchId || this.#suspended || interrupted?.sending) return;
    this.follow(batchId, this.#core.restartRun());
  }

  #setConnection(connection: ConnectionState): void {
    const core = this.#core;
    if (core.state.connection === connection) return;
    core.store.set((s) => ({ ...s, connection }));
    core.events.emit('connection', { connection });
  }

  /** Replaces the session's files with those of an existing batch, and follows it while it runs. */
  async attach(batchId: string): Promise<void> {
    const core = this.#core;
    const signal = core.restartRun();
    const batch = await core.client.getBatch(batchId, { signal });
    if (!core.isCurrent(signal)) return;
    this.#intake.forget(); // The batch's files replace the queued ones.
    const finished = isBatchFinished(batch);
    const interrupted = interruptedUpload(batch);
    core.store.set((s) => ({
      ...INITIAL_STATE,
      limits: s.limits,
      phase: nextPhase(nextPhase(s.phase, 'reset'), finished ? 'finished' : 'attached'),
      batchId: batch.id,
      batchStatus: batch.status,
      files: batch.files.map((file) => fromServerFile(`s${++this.#nextId}`, file)),
      interrupted,
    }));
    if (interrupted) core.events.emit('upload-interrupted', { batchId: batch.id, received: interrupted.received, expected: interrupted.expected });
    if (finished) this.#emitFinished(batch);
    else this.follow(batch.id, signal);
  }

  /**
   * Shows a server snapshot; `reopen` lets an unfinished one reopen a finished batch (a
   * retry). With `changed` (live changes: the files that differ from the previous
   * update) only those files are merged, when the session knows them all.
   */
  apply(batch: Batch, reopen = false, changed?: readonly BatchFile[]): void {
    // A snapshot older than one shown — a pause or resume answer overtaken by live updates
    // sent after it — would take files back to what they were; later updates name only
    // what changed since, so they would stay so. A retry's answer is always newer.
    const at = Date.parse(batch.updated_at);
    if (!reopen && this.#shown?.batchId === batch.id && at < this.#shown.at) return;
    if (!Number.isNaN(at)) this.#shown = { batchId: batch.id, at };
    const core = this.#core;
    const before = core.state;
    const merged = (changed && mergeChanges(before, batch, changed, this.#index)) || mergeSnapshot(before, batch, reopen);
    const state = merged.state === before && sameGap(before.interrupted, batch) ? before : withGap(merged.state, batch);
    const { changes } = merged;
    if (state === before) return;
    core.store.set(() => state);
    core.emitStatusChanges(changes);
    const paused = state.batchStatus === 'paused';
    if (state.batchId && state.batchId === before.batchId && paused !== (before.batchStatus === 'paused')) {
      core.events.emit(paused ? 'batch-paused' : 'batch-resumed', { batchId: state.batchId });
    }
    if (state.interrupted && !before.interrupted) {
      core.events.emit('upload-interrupted', { batchId: batch.id, received: state.interrupted.received, expected: state.interrupted.expected });
    }
    if (state.phase === 'finished' && before.phase !== 'finished') this.#emitFinished(batch);
  }

  suspend(): void {
    if (this.#suspended) return;
    this.#suspended = true;
    if (this.#core.state.phase !== 'processing') return;
    this.#core.restartRun();
    this.#core.store.set((s) => (s.channel === null ? s : { ...s, channel: null }));
    this.#setConnection('connected'); // Not following: nothing to tell of the server until resume().
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
      outcome: selectOutcome(state) ?? outcomeOf(batch.status, counts, state.rejected.length),
      counts,
      notSent: state.rejected.length,
      summary: selectSummary(state) ?? '',
    });
  }
}

/** The batch's upload stopped before all its files were sent, and the batch still takes files: what is missing. */
export function interruptedUpload(batch: Batch): InterruptedUpload | null {
  const expected = batch.expected_files ?? null;
  if (!batch.accepting_files || expected === null || batch.total_files >= expected) return null;
  return { received: batch.total_files, expected, sending: false };
}

/**
 * The state with `interrupted` as the batch now says: files still missing while it takes
 * files (an upload that stopped half way: after a reload, or after its later requests
 * failed while the server was away), none once it stopped taking them (its hold ran out,
 * or it was closed), nor once it finished. Files being sent keep their notice until the answer.
 */
function withGap(state: SessionState, batch: Batch): SessionState {
  // A finished batch misses nothing: a snapshot older than its end (sent before a close,
  // received after it) must not bring the notice back.
  if (state.phase === 'finished') return state.interrupted ? { ...state, interrupted: null } : state;
  if (state.batchId !== batch.id || state.interrupted?.sending || state.phase === 'uploading') return state;
  if (sameGap(state.interrupted, batch)) return state;
  return { ...state, interrupted: interruptedUpload(batch) };
}

function sameGap(gap: InterruptedUpload | null, batch: Batch): boolean {
  const next = interruptedUpload(batch);
  return gap === next || (gap !== null && next !== null && gap.received === next.received && gap.expected === next.expected && !gap.sending);
}
