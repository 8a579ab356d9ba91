import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BatchOutcome } from '@batch-uploader/sdk';

/**
 * A visible notice that closes itself after a while (or when closed by hand). Its timer
 * is cleared when the host leaves the page.
 */
export class ToastController implements ReactiveController {
  /** The notice shown, or null. */
  text: string | null = null;
  /** How the batch went, for the notice's icon and colour. */
  outcome: BatchOutcome = 'succeeded';
  readonly #host: ReactiveControllerHost;
  readonly #durationMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

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
    this.#timer = setTimeout(() => this.hide(), this.#durationMs);
    this.#host.requestUpdate();
  }

  /** Closes the notice. */
  readonly hide = (): void => {
    clearTimeout(this.#timer);
    if (this.text === null) return;
    this.text = null;
    this.#host.requestUpdate();
  };
}
