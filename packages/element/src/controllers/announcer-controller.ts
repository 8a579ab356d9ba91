import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How the announcer paces what it says. */
export interface AnnouncerTiming {
  /** Least milliseconds a message stays in the live region before the next replaces it. @default 1500 */
  gapMs?: number;
  /** Least milliseconds between two progress messages; one sooner is dropped. @default 5000 */
  progressMs?: number;
  /** The same words again within this time are the same message told twice: dropped. @default 3000 */
  repeatMs?: number;
}

interface Message {
  text: string;
  progress: boolean;
}

/**
 * The one voice of the element for screen readers: the text of its polite live region.
 * Messages are queued and each stays at least `gapMs` before the next replaces it, so
 * none is swept away unheard by the next one; the same words twice in a row within
 * `repeatMs` are said once. Progress is throttled: at most one progress message every
 * `progressMs`, and a progress message still waiting is dropped when anything newer
 * comes (it is stale by then). Timers stop when the host leaves the page.
 */
export class AnnouncerController implements ReactiveController {
  /** What the live region says now. */
  text = '';
  readonly #host: ReactiveControllerHost;
  readonly #gapMs: number;
  readonly #progressMs: number;
  readonly #repeatMs: number;
  #queue: Message[] = [];
  #shownAt = -Infinity;
  #progressAt = -Infinity;
  #last: { text: string; at: number } = { text: '', at: -Infinity };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost, { gapMs = 1500, progressMs = 5000, repeatMs = 3000 }: AnnouncerTiming = {}) {
    this.#host = host;
    this.#gapMs = gapMs;
    this.#progressMs = progressMs;
    this.#repeatMs = repeatMs;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#timer === undefined) this.#pump();
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Says `text` (after what is queued before it), unless it was just said. */
  say(text: string): void {
    const now = performance.now();
    if (text === '' || (text === this.#last.text && now - this.#last.at < this.#repeatMs)) return;
    this.#last = { text, at: now };
    this.#enqueue({ text, progress: false });
  }

  /** Says a progress message, unless one was said less than `progressMs` ago. */
  progress(text: string): void {
    const now = performance.now();
    if (now - this.#progressAt < this.#progressMs) return;
    this.#progressAt = now;
    this.#enqueue({ text, progress: true });
  }

  /** Forgets what is still to be said (a new batch begins). */
  clear(): void {
    this.#queue = [];
  }

  #enqueue(message: Message): void {
    this.#queue = this.#queue.filter((m) => !m.progress);
    this.#queue.push(message);
    if (this.#connected && this.#timer === undefined) this.#pump();
  }

  readonly #pump = (): void => {
    this.#timer = undefined;
    const wait = this.#shownAt + this.#gapMs - performance.now();
    if (wait > 0) {
      this.#timer = setTimeout(this.#pump, wait);
      return;
    }
    const next = this.#queue.shift();
    if (!next) return;
    // The same words as the region holds would not be announced again: make them differ.
    this.text = next.text === this.text ? `${next.text}\u00a0` : next.text;
    this.#shownAt = performance.now();
    this.#host.requestUpdate();
    if (this.#queue.length > 0) this.#timer = setTimeout(this.#pump, this.#gapMs);
  };
}
