import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A row to render: its place in the list and its distance from the list's top. */
export interface WindowRow {
  index: number;
  top: number;
}

/** The rows to render of a windowed list, and the height of all of them. */
export interface WindowLayout {
  /** Rows in view (and a few around them), plus the pinned one, in list order. */
  rows: WindowRow[];
  /** Pixels of the whole list, rendered or not. */
  height: number;
}

/** Rows rendered before any row was measured. */
const FIRST_ROWS = 40;
/** Height assumed for rows not measured yet, until a row is (3.25rem). */
const FIRST_ESTIMATE = 52;

/**
 * Windowing for a long list whose rows have different heights (a name on two lines, a
 * reason that wraps): only the rows in view and a few around them are in the DOM, so
 * 10,000 files cost as much as 30. Each rendered row (`.row`, `data-key` = its item's id)
 * is measured by a resize observer and its height kept by key; rows not measured yet
 * count as the most common height of the rendered ones. The host renders `layout(items, pinned)` inside its
 * list (`.list`), rows placed at their `top`. The pinned row — the one that holds the
 * list's focus — is always rendered, wherever the list is scrolled, so focus never falls
 * out of the window. Sizes are read in observers and scroll frames, never right after a
 * render (which would lay the page out at once, on every update).
 */
export class WindowController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #overscan: number;
  #scroller: HTMLElement | null = null;
  #resize: ResizeObserver | null = null;
  #rowResize: ResizeObserver | null = null;
  readonly #observed = new Set<HTMLElement>();
  readonly #heights = new Map<string, number>();
  #estimate = 0;
  #top = 0;
  #viewport = 0;
  #width = 0;
  #frame = 0;
  #frameAfterResize = 0;
  // The offsets of the last layout, kept while neither the keys nor a height changed.
  #items: ReadonlyArray<{ readonly id: string }> = [];
  #offsets = new Float64Array(1);
  #stale = true;

  constructor(host: ReactiveControllerHost & HTMLElement, overscan = 10) {
    this.#host = host;
    this.#overscan = overscan;
    host.addController(this);
  }

  hostUpdated(): void {
    const list = this.#host.shadowRoot?.querySelector<HTMLElement>('.list') ?? null;
    this.observe(list, list ? [...list.querySelectorAll<HTMLElement>('.row')] : []);
  }

  hostDisconnected(): void {
    this.observe(null, []);
  }

  /** Which rows of `items` (keyed by `id`) to render now; `pinned` (an index, or -1) among them. */
  layout(items: ReadonlyArray<{ readonly id: string }>, pinned = -1): WindowLayout {
    const offsets = this.#offsetsOf(items);
    const total = items.length;
    let start = 0;
    let end = Math.min(total, FIRST_ROWS);
    if (this.#estimate && this.#viewport) {
      start = Math.max(0, this.#indexAt(this.#top) - this.#overscan);
      end = Math.min(total, this.#indexAt(this.#top + this.#viewport) + 1 + this.#overscan);
    }
    const rows: WindowRow[] = [];
    if (pinned >= 0 && pinned < start) rows.push({ index: pinned, top: offsets[pinned]! });
    for (let i = start; i < end; i++) rows.push({ index: i, top: offsets[i]! });
    if (pinned >= end && pinned < total) rows.push({ index: pinned, top: offsets[pinned]! });
    return { rows, height: offsets[total]! };
  }

  /** Rows of the usual height in one view, for Page Up and Page Down (at least 1). */
  pageRows(): number {
    return Math.max(1, Math.floor((this.#viewport || 320) / (this.#estimate || FIRST_ESTIMATE)) - 1);
  }

  /** Scrolls the list, if needed, so that row `index` (of the last layout) is in view. */
  reveal(index: number): void {
    const scroller = this.#scroller;
    const offsets = this.#offsets;
    if (!scroller || index < 0 || index + 1 >= offsets.length) return;
    const top = offsets[index]!;
    const bottom = offsets[index + 1]!;
    const viewport = this.#viewport || scroller.clientHeight;
    let next = this.#top;
    if (top < next) next = top;
    else if (bottom > next + viewport) next = bottom - viewport;
    if (next === this.#top) return;
    scroller.scrollTop = next;
    // Rendered from the new place now; the scroll event confirms it in the next frame.
    this.#top = next;
    this.#host.requestUpdate();
  }

  /** Follows the scroll container's scrolling and size, and the rendered rows' heights. Null lets go. */
  observe(scroller: HTMLElement | null, rows: readonly HTMLElement[]): void {
    if (scroller !== this.#scroller) {
      this.#scroller?.removeEventListener('scroll', this.#onScroll);
      this.#resize?.disconnect();
      cancelAnimationFrame(this.#frame);
      cancelAnimationFrame(this.#frameAfterResize);
      this.#frame = 0;
      this.#frameAfterResize = 0;
      this.#scroller = scroller;
      this.#resize = null;
      this.#top = 0;
      if (scroller) {
        scroller.addEventListener('scroll', this.#onScroll, { passive: true });
        // Measured in the next frame: rendering from inside the observer would loop it.
        this.#resize = new ResizeObserver(this.#onScroll);
        this.#resize.observe(scroller);
      }
    }
    // Rows that left the DOM are let go (an observer holds its targets); new ones are
    // told once laid out, in the frame's own layout, before that frame is painted.
    for (const row of this.#observed) {
      if (!row.isConnected) {
        this.#rowResize?.unobserve(row);
        this.#observed.delete(row);
      }
    }
    for (const row of rows) {
      if (this.#observed.has(row)) continue;
      this.#rowResize ??= new ResizeObserver(this.#onRowResize);
      this.#rowResize.observe(row);
      this.#observed.add(row);
    }
    if (!scroller) {
      // The list is gone (no files): heights of another batch's files are of no use.
      this.#rowResize?.disconnect();
      this.#observed.clear();
      this.#heights.clear();
      this.#stale = true;
    }
  }

  #offsetsOf(items: ReadonlyArray<{ readonly id: string }>): Float64Array {
    if (items === this.#items && !this.#stale) return this.#offsets;
    const estimate = this.#estimate || FIRST_ESTIMATE;
    const offsets = new Float64Array(items.length + 1);
    for (let i = 0; i < items.length; i++) offsets[i + 1] = offsets[i]! + (this.#heights.get(items[i]!.id) ?? estimate);
    this.#items = items;
    this.#offsets = offsets;
    this.#stale = false;
    return offsets;
  }

  /** The row at `y` pixels from the list's top (binary search in the offsets). */
  #indexAt(y: number): number {
    const offsets = this.#offsets;
    let low = 0;
    let high = offsets.length - 2;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (offsets[mid]! <= y) low = mid;
      else high = mid - 1;
    }
    return Math.max(0, low);
  }

  readonly #onRowResize = (entries: ResizeObserverEntry[]): void => {
    let changed = false;
    for (const entry of entries) {
      const key = (entry.target as HTMLElement).dataset.key;
      const height = entry.borderBoxSize[0]?.blockSize ?? entry.contentRect.height;
      if (!key || !height || !entry.target.isConnected) continue;
      if (this.#heights.get(key) === height) continue;
      this.#heights.set(key, height);
      changed = true;
    }
    if (!changed) return;
    const usual = this.#usualHeight();
    // All rows changed (a font size, --batch-row-height): those out of the DOM too.
    if (this.#estimate && usual !== this.#estimate) this.#forgetHidden();
    this.#estimate = usual;
    this.#stale = true;
    // Layout is fresh while observers are told: reading the scroller costs nothing here.
    this.#top = this.#scroller?.scrollTop ?? 0;
    this.#viewport = this.#scroller?.clientHeight ?? 0;
    // Rendered in the next frame, not from inside the observer: the new layout may resize
    // the list's scroll container (observed too, and shallower than the rows), which the
    // browser would report as a ResizeObserver loop. This frame keeps the rows it has.
    if (this.#frameAfterResize) return;
    this.#frameAfterResize = requestAnimationFrame(() => {
      this.#frameAfterResize = 0;
      this.#host.requestUpdate();
    });
  };

  #forgetHidden(): void {
    const shown = new Map<string, number>();
    for (const row of this.#observed) {
      const key = row.dataset.key ?? '';
      const height = this.#heights.get(key);
      if (height) shown.set(key, height);
    }
    this.#heights.clear();
    for (const [key, height] of shown) this.#heights.set(key, height);
  }

  /** The most common height of the rendered rows: the guess for rows not measured yet. */
  #usualHeight(): number {
    const seen = new Map<number, number>();
    let usual = this.#estimate;
    let most = 0;
    for (const row of this.#observed) {
      const height = this.#heights.get(row.dataset.key ?? '');
      if (!height) continue;
      const n = (seen.get(height) ?? 0) + 1;
      seen.set(height, n);
      if (n > most) [usual, most] = [height, n];
    }
    return usual;
  }

  readonly #onScroll = (): void => {
    if (!this.#frame) this.#frame = requestAnimationFrame(this.#measure);
  };

  readonly #measure = (): void => {
    this.#frame = 0;
    const scroller = this.#scroller;
    if (!scroller) return;
    const top = scroller.scrollTop;
    const viewport = scroller.clientHeight;
    if (scroller.clientWidth !== this.#width) {
      // Another width wraps names and reasons anew: the heights of rows out of the DOM are
      // stale (the rendered ones are measured again by their observer).
      if (this.#width) this.#forgetHidden();
      this.#width = scroller.clientWidth;
      this.#stale = true;
    }
    if (top === this.#top && viewport === this.#viewport && !this.#stale) return;
    this.#top = top;
    this.#viewport = viewport;
    this.#host.requestUpdate();
  };
}
