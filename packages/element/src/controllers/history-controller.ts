import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { TERMINAL_BATCH_STATUSES, type Batch } from '@batch-uploader/protocol';
import { isAbortError, type BatchClient, type BatchSummary } from '@batch-uploader/sdk';

/** A batch of the history opened in place of the list. */
export interface OpenedBatch {
  id: string;
  /** The batch with its files; null while it loads. */
  batch: Batch | null;
  /** Why loading, following or retrying it failed; null when nothing did. */
  error: unknown;
  /** Retry failed was asked and the server has not answered yet. */
  retrying: boolean;
}

/** What the history tells screen readers, besides moving focus. */
export interface HistoryOptions {
  /** Says a text in the element's live region ("Batch opened: …"). */
  announce?: (batch: Batch) => void;
  /** Batches per page. @default 5 */
  limit?: number;
}

/**
 * The workspace's recent batches, loaded through the SDK client a page at a time
 * (cursor pagination of the history endpoint), and the one batch opened in place: its
 * files from the status endpoint, followed while it runs (after Retry failed too). A load
 * overtaken by a newer one, or by the host leaving the page, is aborted and never writes
 * its result. Focus goes into an opened batch (its heading) and back to its row.
 */
export class HistoryController implements ReactiveController {
  /** The batches loaded so far, newest first; null until the first page arrived. */
  batches: readonly BatchSummary[] | null = null;
  /** Why the last load failed; null when it did not. */
  error: unknown = null;
  /** The batch shown in place of the list; null shows the list. */
  opened: OpenedBatch | null = null;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: HistoryOptions;
  /** Where the next, older page starts; null on the last page. */
  #cursor: string | null = null;
  #run: AbortController | null = null;
  /** Loading and following the opened batch. */
  #follow: AbortController | null = null;
  /** What takes focus after the next render (a selector in the shadow root). */
  #focusNext: string | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement, options: HistoryOptions = {}) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** True when older batches are left to load with {@link HistoryController.more}. */
  get hasMore(): boolean {
    return this.#cursor !== null;
  }

  hostDisconnected(): void {
    this.#run?.abort();
    this.#run = null;
    this.#follow?.abort();
    this.#follow = null;
  }

  // After the focus controller's (added before): the row that had focus is gone when a batch opens.
  hostUpdated(): void {
    const selector = this.#focusNext;
    this.#focusNext = null;
    if (selector) this.#host.shadowRoot?.querySelector<HTMLElement>(selector)?.focus();
  }

  /** (Re)loads the newest page; a load still running is dropped. */
  load(client: BatchClient): void {
    void this.#fetch(client, null);
  }

  /** Loads the next, older page after the ones shown; resolves with how many batches it added. */
  more(client: BatchClient): Promise<number> {
    return this.#cursor ? this.#fetch(client, this.#cursor) : Promise.resolve(0);
  }

  /** Loads older batches and moves focus to the first of them (the button that asked may be gone). */
  async showMore(client: BatchClient): Promise<void> {
    const shown = this.batches?.length ?? 0;
    if ((await this.more(client)) === 0) return;
    await this.#host.updateComplete;
    this.#host.shadowRoot?.querySelectorAll<HTMLElement>('.history-row')[shown]?.focus();
  }

  /** Opens a batch in place of the list (focus to its heading) and follows it while it runs. */
  async open(client: BatchClient, batchId: string): Promise<void> {
    const run = this.#restartFollow();
    // Opened again (after a retry elsewhere): what is shown stays until the new answer.
    const shown = this.opened?.id === batchId ? this.opened.batch : null;
    this.#set({ id: batchId, batch: shown, error: null, retrying: false }, '#history-batch');
    try {
      const batch = await client.getBatch(batchId, { signal: run.signal });
      if (run !== this.#follow) return;
      this.#set({ ...this.opened!, batch });
      this.#options.announce?.(batch);
      await this.#watch(client, batch, run);
    } catch (error) {
      if (run === this.#follow && !isAbortError(error)) this.#set({ ...this.opened!, error });
    }
  }

  /** Back to the list: focus to the opened batch's row (or the panel's heading when it is not listed). */
  back(client: BatchClient): void {
    const id = this.opened?.id;
    this.#follow?.abort();
    this.#follow = null;
    this.opened = null;
    this.#focusNext = this.batches?.some((batch) => batch.id === id) ? `.history-row[data-id="${CSS.escape(id!)}"]` : '#history-title';
    this.#host.requestUpdate();
    // The opened batch may have changed (retried): the list shows it as it is now.
    this.load(client);
  }

  /** Retries the opened batch's failed files on the server and follows it again; focus to its heading (the button is gone). */
  async retry(client: BatchClient): Promise<void> {
    const opened = this.opened;
    if (!opened?.batch || opened.retrying) return;
    const run = this.#restartFollow();
    this.#set({ ...opened, error: null, retrying: true }, '#history-batch');
    try {
      const { batch } = await client.retryFailedFiles(opened.id, { signal: run.signal });
      if (run !== this.#follow) return;
      this.#set({ ...this.opened!, batch, retrying: false });
      this.#options.announce?.(batch);
      await this.#watch(client, batch, run);
    } catch (error) {
      if (run === this.#follow && !isAbortError(error)) this.#set({ ...this.opened!, error, retrying: false });
    }
  }

  /** Follows a batch that still runs until it finishes, showing each update; says the end. */
  async #watch(client: BatchClient, batch: Batch, run: AbortController): Promise<void> {
    if (TERMINAL_BATCH_STATUSES.includes(batch.status)) return;
    const last = await client.watchBatch(batch.id, {
      signal: run.signal,
      onUpdate: (update) => {
        if (run === this.#follow) this.#set({ ...this.opened!, batch: update });
      },
    });
    if (run === this.#follow) this.#options.announce?.(last);
  }

  #restartFollow(): AbortController {
    this.#follow?.abort();
    return (this.#follow = new AbortController());
  }

  #set(opened: OpenedBatch, focus?: string): void {
    this.opened = opened;
    if (focus) this.#focusNext = focus;
    this.#host.requestUpdate();
  }

  #fetch(client: BatchClient, cursor: string | null): Promise<number> {
    this.#run?.abort();
    const run = (this.#run = new AbortController());
    return client.getHistory({ limit: this.#options.limit ?? 5, cursor, signal: run.signal }).then(
      ({ batches, next_cursor }) => {
        if (run !== this.#run) return 0;
        this.batches = cursor ? [...(this.batches ?? []), ...batches] : batches;
        this.#cursor = next_cursor;
        this.error = null;
        this.#host.requestUpdate();
        return batches.length;
      },
      (error: unknown) => {
        if (run === this.#run && !isAbortError(error)) {
          this.error = error;
          this.#host.requestUpdate();
        }
        return 0;
      },
    );
  }
}
