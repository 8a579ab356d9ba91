import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionPhase } from '@batch-uploader/sdk';

/** The button that takes the focus of one that went away, when it is there. */
const REPLACED_BY: Readonly<Record<string, string>> = {
  'pause-button': '[part~="resume-button"]',
  'resume-button': '[part~="pause-button"]',
};

/**
 * Otherwise the first of these that is there: the outcome (after Cancel, and when the
 * batch ends), the progress (after Start and Retry failed), the next action, the drop zone
 * (after Clear all, Upload another batch, removing the last file).
 */
const NEXT = '#outcome, .progress-area, .actions .primary, .actions button, .drop';

/**
 * Keeps keyboard focus on the next thing to do instead of losing it to the page, as the
 * element's README documents: when a render removes the focused control (Start became
 * the progress, Pause became Resume, the batch ended), and when a batch ends while focus
 * is on its progress or its buttons (it goes to the outcome). Focus in the file list is
 * the list's own (`GridController`, added before this one). Focus elsewhere on the page
 * is never taken.
 */
export class FocusController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #phase: () => SessionPhase;
  /** The element focused before this render; the phase of the last render. */
  #had: Element | null = null;
  #was: SessionPhase = 'idle';

  constructor(host: ReactiveControllerHost & HTMLElement, phase: () => SessionPhase) {
    this.#host = host;
    this.#phase = phase;
    host.addController(this);
  }

  hostUpdate(): void {
    this.#had = this.#host.shadowRoot?.activeElement ?? null;
  }

  hostUpdated(): void {
    const root = this.#host.shadowRoot;
    const had = this.#had;
    const phase = this.#phase();
    const ended = phase === 'finished' && this.#was !== 'finished';
    this.#had = null;
    this.#was = phase;
    if (!root || !had) return;
    const focused = root.activeElement;
    if (focused === null) {
      const part = had
        .getAttribute('part')
        ?.split(' ')
        .find((name) => name in REPLACED_BY);
      const target = (part && root.querySelector<HTMLElement>(REPLACED_BY[part]!)) || root.querySelector<HTMLElement>(NEXT);
      target?.focus();
    } else if (ended && focused.closest('.progress-area, .actions')) {
      root.querySelector<HTMLElement>('#outcome')?.focus();
    }
  }
}
