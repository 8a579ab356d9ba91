import type { BatchClient } from '../client/batch-client.js';
import { nextPhase, type PhaseEvent } from './phase.js';
import { selectCounts, selectProgress, type SessionCounts } from './selectors.js';
import { SessionEmitter } from './session-events.js';
import { INITIAL_STATE, type SessionFile, type SessionFileStatus, type SessionState } from './session-state.js';
import { Store } from './store.js';

/** The error a disposed session throws and rejects with: an AbortError, like every stop the caller asked for. */
export function disposedError(): DOMException {
  return new DOMException('This BatchSession was disposed; create a new one.', 'AbortError');
}

/**
 * What the parts of a session share: the store, the events, the client, and the current
 * run — the AbortController of the upload or watch under way, replaced by every start,
 * attach, retry, suspend and reset, so that work of an overtaken run never writes.
 * Every change of phase goes through the transition table ({@link nextPhase}).
 */
export class SessionCore {
  readonly store = new Store<SessionState>(INITIAL_STATE);
  readonly events = new SessionEmitter();
  /** Called once by `dispose()`. */
  readonly onDispose = new Set<() => void>();
  readonly client: BatchClient;
  #run = new AbortController();
  #disposed = false;

  constructor(client: BatchClient) {
    this.client = client;
    this.store.subscribe((state, previous) => this.#emitProgress(state, previous));
  }

  get state(): SessionState {
    return this.store.getState();
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Aborts the run under way and begins a new one; returns its signal. */
  restartRun(): AbortSignal {
    this.#run.abort();
    this.#run = new AbortController();
    return this.#run.signal;
  }

  /** Aborts the run under way (the upload or watch stops; a new run is begun by the next intent). */
  abortRun(): void {
    this.#run.abort();
  }

  /** True while the run of `signal` is the current one and the session is usable. */
  isCurrent(signal: AbortSignal): boolean {
    return signal === this.#run.signal && !this.#disposed;
  }

  /** Moves the phase by `event`, with other fields, in one update. */
  dispatch(event: PhaseEvent, fields: Partial<SessionState> = {}): void {
    this.store.set((s) => ({ ...s, ...fields, phase: nextPhase(s.phase, event) }));
  }

  /**
   * Changes the files with the given ids (`change` returns null to drop one), the phase by
   * `event` and other fields, in one update; then tells of every status change.
   */
  updateFiles(ids: Iterable<string>, change: (file: SessionFile) => SessionFile | null, event?: PhaseEvent, fields: Partial<SessionState> = {}): void {
    const chosen = new Set(ids);
    const changes: Array<{ file: SessionFile; previous: SessionFileStatus }> = [];
    this.store.set((s) => {
      const files: SessionFile[] = [];
      for (const file of s.files) {
        const next = chosen.has(file.id) ? change(file) : file;
        if (!next) continue;
        if (next.status !== file.status) changes.push({ file: next, previous: file.status });
        files.push(next);
      }
      return { ...s, ...fields, files, phase: event ? nextPhase(s.phase, event) : s.phase };
    });
    this.emitStatusChanges(changes);
  }

  emitStatusChanges(changes: ReadonlyArray<{ file: SessionFile; previous: SessionFileStatus }>): void {
    for (const change of changes) this.events.emit('file-status', change);
  }

  /** Stops any upload and watch and forgets everything but the limits. */
  reset(): void {
    this.restartRun();
    this.store.set((s) => ({ ...INITIAL_STATE, limits: s.limits, phase: nextPhase(s.phase, 'reset') }));
  }

  assertUsable(): void {
    if (this.#disposed) throw disposedError();
  }

  dispose(): void {
    this.#disposed = true;
    this.#run.abort();
    for (const hook of [...this.onDispose]) hook();
    this.store.clear();
    this.events.clear();
  }

  /** `progress` on every change of phase, percent or counts while a batch is sent or followed. */
  #emitProgress(state: SessionState, previous: SessionState): void {
    if (state.phase === 'idle') return;
    const { percent } = selectProgress(state);
    const counts = selectCounts(state);
    if (state.phase === previous.phase && percent === selectProgress(previous).percent && sameCounts(counts, selectCounts(previous))) return;
    this.events.emit('progress', { batchId: state.batchId, phase: state.phase, percent, counts });
  }
}

function sameCounts(a: SessionCounts, b: SessionCounts): boolean {
  return a === b || (Object.keys(a) as Array<keyof SessionCounts>).every((key) => a[key] === b[key]);
}
