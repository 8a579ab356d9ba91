import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isAbortError, type BatchClient, type BatchSummary } from '@batch-uploader/sdk';

/**
 * The workspace's recent batches, loaded through the SDK client. A load overtaken by a
 * newer one, or by the host leaving the page, is aborted and never writes its result.
 */
export class HistoryController implements ReactiveController {
  /** The batches, newest first; null until loaded. */
  batches: readonly BatchSummary[] | null = null;
  /** Why the last load failed; null when it did not. */
  error: unknown = null;
  readonly #host: ReactiveControllerHost;
  readonly #limit: number;
  #run: AbortController | null = null;

  constructor(host: ReactiveControllerHost, limit = 5) {
    this.#host = host;
    this.#limit = limit;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#run?.abort();
    this.#run = null;
  }

  /** (Re)loads the history; the previous load, if still running, is dropped. */
  load(client: BatchClient): void {
    this.#run?.abort();
    const run = (this.#run = new AbortController());
    client.getHistory({ limit: this.#limit, signal: run.signal }).then(
      ({ batches }) => {
        if (run !== this.#run) return;
        this.batches = batches;
        this.error = null;
        this.#host.requestUpdate();
      },
      (error: unknown) => {
        if (run !== this.#run || isAbortError(error)) return;
        this.error = error;
        this.#host.requestUpdate();
      },
    );
  }
}
