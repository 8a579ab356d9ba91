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
  /**
   * Whether the notice sticks to the window's bottom edge. Only when the outcome it repeats
   * was out of sight as it came (`outcomeInSight`): else it sits in its place, covering nothing.
   */
  sticky = true;
  readonly #host: ReactiveControllerHost;
  readonly #durationMs: number;
  readonly #outcomeInSight: () => boolean | null;
  /** Whether `sticky` was decided for the notice shown. */
  #placed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** What is on the notice now: while anything is, it stays. */
  readonly #held = new Set<'pointer' | 'focus'>();

  /** `outcomeInSight`: whether the outcome is within the window; null while it is not rendered yet. */
  constructor(host: ReactiveControllerHost, durationMs = 8_000, outcomeInSight: () => boolean | null = () => false) {
    this.#host = host;
    this.#durationMs = durationMs;
    this.#outcomeInSight = outcomeInSight;
    host.addController(this);
  }

  /** Right after the render that shows a notice (and moved focus to the outcome, if it did): sticky or in place. */
  hostUpdated(): void {
    if (this.text === null || this.#placed) return;
    const inSight = this.#outcomeInSight();
    if (inSight === null) return; // Decided at the render that shows the outcome.
    this.#placed = true;
    if (inSight) {
      this.sticky = false;
      this.#host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    this.hide();
  }

  /** Shows `text` for a while, with the icon and colour of `outcome`. */
  show(text: string, outcome: BatchOutcome): void {
    clearTimeout(this.#timer);
    this.text = text;
    this.outcome = outcome;
    this.sticky = true;
    this.#placed = false;
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
