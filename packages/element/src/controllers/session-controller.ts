import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { INITIAL_STATE, type BatchSession, type SessionState } from '@batch-uploader/sdk';

/** What {@link SessionController} needs from its host. */
export interface SessionControllerOptions {
  /** A session made by host code, used as is and never disposed or suspended; null to let the controller make its own. */
  external(): BatchSession | null;
  /** Makes an own session from the host's current settings. */
  create(): BatchSession;
  /** The settings `create()` reads; when one changes, a new own session replaces the old one (at once if it is idle and empty, else after `reset()`). */
  config(): readonly unknown[];
  /** Subscribes to the session's SDK events; returns the functions that stop them. */
  listen(session: BatchSession): ReadonlyArray<() => void>;
}

/**
 * Connects a host element to a {@link BatchSession}: subscribes while the host is on the
 * page and lets go when it leaves (an own session is suspended then: no stream, no
 * timers; it resumes when the host comes back). Renders are batched to animation frames,
 * so thousands of updates cost one render each frame. A fresh session is asked to follow
 * the batch it kept from before a reload (`session.restore()`; the element's own session
 * has the SDK's `resume` option on).
 */
export class SessionController implements ReactiveController {
  /** The state to render: the session's, taken at most once per animation frame. */
  state: SessionState = INITIAL_STATE;
  readonly #host: ReactiveControllerHost;
  readonly #options: SessionControllerOptions;
  #session: BatchSession | null = null;
  #owned = false;
  #config: readonly unknown[] = [];
  #stale = false;
  #connected = false;
  #stops: ReadonlyArray<() => void> = [];
  #frame = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, options: SessionControllerOptions) {
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

  /** Takes the session's state now rather than at the next frame. */
  readonly flush = (): void => {
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#timer);
    this.#frame = 0;
    this.state = this.session.getState();
    this.#host.requestUpdate();
  };

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
    this.#stops = [session.subscribe(() => this.#schedule()), ...this.#options.listen(session)];
    if (this.#owned) session.resume();
    this.state = session.getState();
    session.loadLimits().catch(() => {}); // For the hint; the defaults stand meanwhile.
    // A batch that is gone is told as an `error` event, which the host relays; a session
    // disposed by host code meanwhile has nothing to restore.
    session.restore().catch(() => {});
  }

  #unbind(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#timer);
    this.#frame = 0;
  }

  /** One render per frame; the timer covers hidden tabs, where frames do not come. */
  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(this.flush);
    this.#timer = setTimeout(this.flush, 100);
  }
}

function isFresh(state: SessionState): boolean {
  return state.phase === 'idle' && state.batchId === null && state.files.length === 0;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
