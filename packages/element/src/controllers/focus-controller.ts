import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps keyboard focus on the next thing to do when a render removes the focused button
 * (Start became Cancel, a file was removed, the batch ended) instead of losing it to the
 * page: the remove button now at the removed one's place, else the primary action, any
 * action, the drop zone or the list.
 */
export class FocusController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  /** Whether focus was inside before this render. */
  #hadFocus = false;
  /** The index of the remove button that was clicked, until the next render. */
  #removedAt = -1;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  /** A remove button is about to take its file away: focus goes to the one that takes its place. */
  removing(button: Element): void {
    this.#removedAt = [...(this.#host.shadowRoot?.querySelectorAll('.remove') ?? [])].indexOf(button);
  }

  hostUpdate(): void {
    this.#hadFocus = this.#host.shadowRoot?.activeElement != null;
  }

  hostUpdated(): void {
    const root = this.#host.shadowRoot;
    if (!root || !this.#hadFocus || root.activeElement !== null) return;
    const removes = root.querySelectorAll<HTMLElement>('.remove');
    const target =
      (this.#removedAt >= 0 ? removes[Math.min(this.#removedAt, removes.length - 1)] : undefined) ??
      root.querySelector<HTMLElement>('.actions .primary, .actions button, .drop, .list');
    this.#removedAt = -1;
    target?.focus();
  }
}
