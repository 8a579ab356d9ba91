import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isAbortError, type BatchClient, type BatchSummary } from '@batch-uploader/sdk';

/**
 * The workspace's recent batches, loaded through the SDK client a page at a time
 * (cursor pagination of the history endpoint). A load overtaken by a newer one, or by
 * the host leaving the page, is aborted and never writes its result.
 */
export class HistoryController implements ReactiveController {
  /** The batches loaded so far, newest first; null until the first page arrived. */
  batches: readonly BatchSummary[] | null = null;
  /** Why the last load failed; null when it did not. */
  error: unknown = null;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #limit: number;
  /** Where the next, older page starts; null on the last page. */
  #cursor: string | null = null;
  #run: AbortController | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement, limit = 5) {
    this.#host = host;
    this.#limit = limit;
    host.addController(this);
  }

  /** True when older batches are left to load with {@link HistoryController.more}. */
  get hasMore(): boolean {
    return this.#cursor !== null;
  }

  hostDisconnected(): void {
    this.#run?.abort();
    this.#run = null;
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
    this.#host.shadowRoot?.querySelectorAll<HTMLElement>('.history li')[shown]?.focus();
  }

  #fetch(client: BatchClient, cursor: string | null): Promise<number> {
    this.#run?.abort();
    const run = (this.#run = new AbortController());
    return client.getHistory({ limit: this.#limit, cursor, signal: run.signal }).then(
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
