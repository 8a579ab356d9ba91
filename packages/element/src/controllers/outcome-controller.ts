import type { ReactiveControllerHost } from 'lit';

/** The lists of the group of files that need attention. */
export type AttentionList = 'review' | 'failed' | 'not-sent';

/** Files of each list shown at first; the others behind "Show N more". */
export const FIRST_SHOWN = 10;

/**
 * View-local state of the outcome: how many files of each list of "Needs attention" are
 * shown. The first {@link FIRST_SHOWN} of each; "Show N more" shows all of that list (in a
 * scrolling box) and moves focus to the first file it added, since the button that asked
 * is gone. Back to the first few for another batch.
 */
export class OutcomeController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #all = new Set<AttentionList>();
  #batchId: string | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
  }

  /** How many files of `list` to show for the batch `batchId`. */
  shown(list: AttentionList, batchId: string | null): number {
    if (batchId !== this.#batchId) {
      this.#batchId = batchId;
      this.#all = new Set();
    }
    return this.#all.has(list) ? Infinity : FIRST_SHOWN;
  }

  /** Shows every file of `list`, then focuses the first one that was hidden. */
  readonly showAll = async (list: AttentionList): Promise<void> => {
    this.#all.add(list);
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#host.shadowRoot?.querySelectorAll<HTMLElement>(`[data-list="${list}"] > li`)[FIRST_SHOWN]?.focus();
  };
}
