import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The rows to render of a windowed list, and the space that stands for the others. */
export interface WindowRange {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Pixels above the first rendered row. */
  before: number;
  /** Pixels below the last rendered row. */
  after: number;
}

/** Rows rendered before the row height is known. */
const FIRST_ROWS = 40;

/**
 * Windowing for a long list of equal-height rows: only the rows in view (and a few
 * around them) are in the DOM, so 10,000 files cost as much as 30. The host renders
 * `range(total)` of its list (`.list`, rows `.row`), which is observed after each render.
 * Sizes are learnt from resize observers and scroll events, never read right after a
 * render: reading a size there would make the browser lay the page out at once, on every
 * update, on top of the layout of the frame.
 */
export class WindowController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #overscan: number;
  #scroller: HTMLElement | null = null;
  #resize: ResizeObserver | null = null;
  #row: HTMLElement | null = null;
  #rowResize: ResizeObserver | null = null;
  #top = 0;
  #viewport = 0;
  #rowHeight = 0;
  #frame = 0;

  constructor(host: ReactiveControllerHost & HTMLElement, overscan = 10) {
    this.#host = host;
    this.#overscan = overscan;
    host.addController(this);
  }

  hostUpdated(): void {
    const list = this.#host.shadowRoot?.querySelector<HTMLElement>('.list') ?? null;
    this.observe(list, list?.querySelector<HTMLElement>('.row') ?? null);
  }

  hostDisconnected(): void {
    this.observe(null, null);
  }

  /** Which rows of `total` to render now. */
  range(total: number): WindowRange {
    const row = this.#rowHeight;
    if (!row) return { start: 0, end: Math.min(total, FIRST_ROWS), before: 0, after: 0 };
    const start = Math.max(0, Math.floor(this.#top / row) - this.#overscan);
    const end = Math.min(total, Math.ceil((this.#top + this.#viewport) / row) + this.#overscan);
    return { start: Math.min(start, end), end, before: Math.min(start, end) * row, after: (total - end) * row };
  }

  /** Follows the scroll container's scrolling and size, and a rendered row's height. Null lets go. */
  observe(scroller: HTMLElement | null, row: HTMLElement | null): void {
    if (scroller !== this.#scroller) {
      this.#scroller?.removeEventListener('scroll', this.#onScroll);
      this.#resize?.disconnect();
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
      this.#scroller = scroller;
      this.#resize = null;
      if (scroller) {
        scroller.addEventListener('scroll', this.#onScroll, { passive: true });
        // Measured in the next frame: rendering from inside the observer would loop it.
        this.#resize = new ResizeObserver(this.#onScroll);
        this.#resize.observe(scroller);
      }
    }
    if (row !== this.#row) {
      this.#rowResize?.disconnect();
      this.#row = row;
      if (row) {
        // Told once the row is laid out (and when its height changes), in the frame's own
        // layout; the first report arrives before that frame is painted.
        this.#rowResize ??= new ResizeObserver(this.#onRowResize);
        this.#rowResize.observe(row);
      }
    }
  }

  readonly #onRowResize = (entries: ResizeObserverEntry[]): void => {
    const entry = entries.find((e) => e.target === this.#row);
    const height = entry ? (entry.borderBoxSize[0]?.blockSize ?? entry.contentRect.height) : 0;
    if (!height || height === this.#rowHeight) return;
    this.#rowHeight = height;
    // Layout is fresh while observers are told: reading the scroller costs nothing here.
    this.#top = this.#scroller?.scrollTop ?? 0;
    this.#viewport = this.#scroller?.clientHeight ?? 0;
    this.#host.requestUpdate();
  };

  readonly #onScroll = (): void => {
    if (!this.#frame) this.#frame = requestAnimationFrame(this.#measure);
  };

  readonly #measure = (): void => {
    this.#frame = 0;
    const scroller = this.#scroller;
    if (!scroller) return;
    const top = scroller.scrollTop;
    const viewport = scroller.clientHeight;
    if (top === this.#top && viewport === this.#viewport) return;
    this.#top = top;
    this.#viewport = viewport;
    this.#host.requestUpdate();
  };
}
