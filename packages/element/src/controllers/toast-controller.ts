import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BatchOutcome } from '@batch-uploader/sdk';

/**
 * A visible notice that closes itself after a while (or when closed by hand), but not
 * while the pointer or the focus is on it. Its timer is cleared when the host leaves the page.
 */
export class ToastController implements ReactiveController {
  /** The notice shown, or null. */
  text: string | null = null;
  /** How the batch went, for the notice's icon and colour. */
  outcome: BatchOutcome = 'succeeded';
  readonly #host: ReactiveControllerHost;
  readonly #durationMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** What is on the notice now: while anything is, it stays. */
  readonly #held = new Set<'pointer' | 'focus'>();

  constructor(host: ReactiveControllerHost, durationMs = 8_000) {
    this.#host = host;
    this.#durationMs = durationMs;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.hide();
  }

  /** Shows `text` for a while, with the icon and colour of `outcome`. */
  show(text: string, outcome: BatchOutcome): void {
    clearTimeout(this.#timer);
    this.text = text;
    this.outcome = outcome;
    if (this.#held.size === 0) this.#timer = setTimeout(() => this.hide(), this.#durationMs);
    this.#host.requestUpdate();
  }

  /**
   * Keeps the notice while the pointer or the keyboard focus is on it (someone reading it,
   * or on its Close button): it closes by itself only after they leave, a while later.
   */
  readonly hold = (by: 'pointer' | 'focus'): void => {
    this.#held.add(by);
    clearTimeout(this.#timer);
  };

  /** The pointer or the focus left the notice: once neither is on it, it closes a while later. */
  readonly release = (by: 'pointer' | 'focus'): void => {
    this.#held.delete(by);
    if (this.text === null || this.#held.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.hide(), this.#durationMs);
  };

  /** Closes the notice. */
  readonly hide = (): void => {
    clearTimeout(this.#timer);
    this.#held.clear();
    if (this.text === null) return;
    this.text = null;
    this.#host.requestUpdate();
  };
}
