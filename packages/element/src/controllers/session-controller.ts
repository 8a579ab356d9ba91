import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { INITIAL_STATE, isAbortError, isApiError, type BatchSession, type SessionState } from '@batch-uploader/sdk';

/** What {@link SessionController} needs from its host. */
export interface SessionControllerOptions {
  /** A session made by host code, used as is and never disposed or suspended; null to let the controller make its own. */
  external(): BatchSession | null;
  /** Makes an own session from the host's current settings. */
  create(): BatchSession;
  /** The settings `create()` reads; when one changes, a new own session replaces the old one (at once if it is idle and empty, else after `reset()`). */
  config(): readonly unknown[];
  /** The sessionStorage key that keeps the running batch id across reloads. */
  storageKey(): string;
  /** Relays the session's SDK events; returns the functions that stop them. */
  listen(session: BatchSession): ReadonlyArray<() => void>;
  /** Called synchronously after every state change (for events derived from the state). */
  onChange(state: SessionState, previous: SessionState): void;
  /** Called when the batch kept from before a reload could not be followed again. */
  onResumeError(error: unknown): void;
}

/**
 * Connects a host element to a {@link BatchSession}: subscribes while the host is on the
 * page and lets go when it leaves (an own session is suspended then: no stream, no
 * timers; it resumes when the host comes back). Renders are batched to animation frames,
 * so thousands of updates cost one render each frame. Keeps the running batch id — and
 * nothing else — in sessionStorage, and attaches to it after a reload.
 */
export class SessionController implements ReactiveController {
  /** The state to render: the session's, taken at most once per animation frame. */
  state: SessionState = INITIAL_STATE;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: SessionControllerOptions;
  #session: BatchSession | null = null;
  #owned = false;
  #config: readonly unknown[] = [];
  #stale = false;
  #connected = false;
  #stops: ReadonlyArray<() => void> = [];
  #frame = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement, options: SessionControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The session in use (the host's, or one made on first use). */
  get session(): BatchSession {
    if (!this.#session) this.#take(this.#options.external());
    return this.#session!;
  }

  hostConnected(): void {
    this.#connected = true;
    this.#bind();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unbind();
    const session = this.#session;
    // Deferred: a host moved in the page (disconnected and connected in one go) keeps its stream.
    queueMicrotask(() => {
      if (!this.#connected && this.#owned && session === this.#session) session?.suspend();
    });
  }

  /** Takes changed host settings into account; call it when one of them changed. */
  refresh(): void {
    if (!this.#session) return; // Made on first use, from the settings of that moment.
    const external = this.#options.external();
    if (external) {
      if (external !== this.#session) this.#swap(external);
    } else if (!this.#owned || !sameValues(this.#options.config(), this.#config)) {
      if (this.#owned && !isFresh(this.#session.getState())) this.#stale = true;
      else this.#swap(null);
    }
  }

  /** Starts over for a new batch; settings changed during the last one apply from now. */
  reset(): void {
    this.session.reset();
    if (this.#stale) this.#swap(null);
  }

  #take(external: BatchSession | null): void {
    this.#owned = external === null;
    this.#stale = false;
    this.#config = this.#options.config();
    this.#session = external ?? this.#options.create();
    this.state = this.#session.getState();
  }

  #swap(external: BatchSession | null): void {
    const previous = this.#owned ? this.#session : null;
    if (this.#connected) this.#unbind();
    previous?.dispose();
    this.#take(external);
    if (this.#connected) this.#bind();
    this.#host.requestUpdate();
  }

  #bind(): void {
    const session = this.session;
    this.#stops = [
      session.subscribe((state, previous) => {
        if (state.batchId !== previous.batchId) this.#store(state.batchId);
        this.#options.onChange(state, previous);
        this.#schedule();
      }),
      ...this.#options.listen(session),
    ];
    if (this.#owned) session.resume();
    this.state = session.getState();
    this.#restore(session);
  }

  #unbind(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#timer);
    this.#frame = 0;
  }

  /**
   * Takes the session's state now rather than at the next frame, e.g. when view-local
   * state that stood in for it goes away in the same render.
   */
  readonly flush = (): void => {
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#timer);
    this.#frame = 0;
    this.state = this.session.getState();
    this.#host.requestUpdate();
  };

  /** One render per frame; the timer covers hidden tabs, where frames do not come. */
  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(this.flush);
    this.#timer = setTimeout(this.flush, 100);
  }

  #restore(session: BatchSession): void {
    if (!isFresh(session.getState())) return;
    const batchId = this.#read();
    if (!batchId) return;
    session.attach(batchId).catch((error: unknown) => {
      if (isAbortError(error)) return;
      // Gone (another workspace's batch is "not found" too), or not a batch id: asking
      // again will not help. Kept after 401/403 or a network error: signing in may.
      if (isApiError(error) && (error.status === 404 || error.status === 400)) this.#store(null);
      this.#options.onResumeError(error);
    });
  }

  #read(): string | null {
    try {
      return sessionStorage.getItem(this.#options.storageKey());
    } catch {
      return null; // Storage disabled (sandboxed frame, privacy settings): no resume, nothing else lost.
    }
  }

  /** Only the batch id is stored: never names, patient data or bytes. */
  #store(batchId: string | null): void {
    try {
      const key = this.#options.storageKey();
      if (batchId) sessionStorage.setItem(key, batchId);
      else sessionStorage.removeItem(key);
    } catch {
      // See #read.
    }
  }
}

function isFresh(state: SessionState): boolean {
  return state.phase === 'idle' && state.batchId === null && state.files.length === 0;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
