import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { WindowController } from './window-controller.js';

/** What {@link GridController} needs from its host. */
export interface GridOptions {
  /** The list's items, in order (the session's files). */
  items(): ReadonlyArray<{ readonly id: string }>;
  /** Whether rows have their second cell (the remove button). */
  removable(): boolean;
  /** The windowing of the list, to bring a row into view. */
  window: WindowController;
  /** Removes an item (Delete on a row, or its remove button). */
  remove(id: string): void;
}

/**
 * The file list as one composite widget (an ARIA grid with a roving tabindex): one Tab
 * stop, the active cell; Up and Down move by row, Page Up and Page Down by a view, Home
 * and End (with or without Ctrl) to the first and last row, Left and Right between the
 * row's cells (the file, its remove button), Delete removes the file before the upload.
 * The active cell is kept by file id, not by place: its row stays rendered however the
 * list is scrolled (see {@link WindowController.layout}), and focus stays on the same
 * file as the window moves and as updates arrive. When the focused file goes away, focus
 * goes to the file that took its place (or the one before, at the end), same cell.
 */
export class GridController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: GridOptions;
  #id: string | null = null;
  #index = 0;
  #col = 0;
  /** Whether focus was in the list before this render. */
  #hadFocus = false;
  /** Set by a key: focus the active cell after the render. */
  #focusNext = false;

  constructor(host: ReactiveControllerHost & HTMLElement, options: GridOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The active column: 0 the file, 1 its remove button. */
  get col(): number {
    return this.#col === 1 && this.#options.removable() ? 1 : 0;
  }

  /** The index of the active row in `items` (the same file as before, or the one at its place when it went away). */
  active(items: ReadonlyArray<{ readonly id: string }>): number {
    if (items.length === 0) return -1;
    if (items[this.#index]?.id !== this.#id) {
      const found = this.#id === null ? -1 : items.findIndex((item) => item.id === this.#id);
      this.#index = found >= 0 ? found : Math.min(this.#index, items.length - 1);
      this.#id = items[this.#index]!.id;
    }
    return this.#index;
  }

  hostUpdate(): void {
    const root = this.#host.shadowRoot;
    this.#hadFocus = !!root?.activeElement?.closest('.list');
  }

  hostUpdated(): void {
    const root = this.#host.shadowRoot;
    if (!root) return;
    if (this.#focusNext) {
      this.#focusNext = false;
      this.#cell()?.focus();
    } else if (this.#hadFocus && root.activeElement === null) {
      // The focused row was moved (it left or entered the window: the browser drops focus
      // from a moved node) or its file went away. Back to it without scrolling: the list
      // stays where the user scrolled it.
      this.#cell()?.focus({ preventScroll: true });
    }
  }

  readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.altKey || event.metaKey) return;
    const items = this.#options.items();
    const at = this.active(items);
    if (at < 0) return;
    const page = this.#options.window.pageRows();
    const moves: Record<string, () => void> = {
      ArrowDown: () => this.#move(at + 1, this.col),
      ArrowUp: () => this.#move(at - 1, this.col),
      PageDown: () => this.#move(at + page, this.col),
      PageUp: () => this.#move(at - page, this.col),
      Home: () => this.#move(0, this.col),
      End: () => this.#move(items.length - 1, this.col),
      ArrowRight: () => this.#move(at, 1),
      ArrowLeft: () => this.#move(at, 0),
      Delete: () => this.#options.removable() && this.#options.remove(items[at]!.id),
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault(); // The list's scroller must not scroll by these keys as well.
    move();
  };

  /** A cell took focus (by click or Tab): it is the active one. */
  readonly onFocusin = (event: FocusEvent): void => {
    const cell = (event.target as Element).closest<HTMLElement>('[data-col]');
    const key = cell?.closest<HTMLElement>('.row')?.dataset.key;
    if (!cell || !key || (key === this.#id && Number(cell.dataset.col) === this.#col)) return;
    this.#id = key;
    this.#col = Number(cell.dataset.col);
    this.#host.requestUpdate(); // Moves the tab stop.
  };

  #move(index: number, col: number): void {
    const items = this.#options.items();
    const to = Math.max(0, Math.min(items.length - 1, index));
    this.#index = to;
    this.#id = items[to]!.id;
    this.#col = col;
    this.#focusNext = true;
    this.#options.window.reveal(to);
    this.#host.requestUpdate();
  }

  /** The active cell in the DOM (its row is always rendered). */
  #cell(): HTMLElement | null {
    if (this.#id === null) return null;
    const row = this.#host.shadowRoot?.querySelector<HTMLElement>(`.row[data-key="${CSS.escape(this.#id)}"]`);
    return row?.querySelector<HTMLElement>(`[data-col="${this.col}"]`) ?? row?.querySelector<HTMLElement>('[data-col="0"]') ?? null;
  }
}
