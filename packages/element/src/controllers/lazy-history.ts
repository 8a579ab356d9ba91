import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { BatchClient } from '@batch-uploader/sdk';
import type { HistoryView } from '../views/history-panel.js';
// A type-only import: it adds nothing to the bundle's first load.
import type * as HistoryModule from '../views/history.js';

type Loaded = { module: typeof HistoryModule; controller: HistoryModule.HistoryController };

/** What the panel needs besides the loaded batches. */
export type HistoryPanelOptions = Omit<HistoryView, 'batches' | 'error' | 'hasMore' | 'onMore'> & { client: () => BatchClient };

/**
 * The recent-batches panel, whose code (its view and HistoryController) most pages never
 * use: it is imported on the first load of the history, with a relative `import()` the
 * bundle turns into a chunk beside batch-uploader.js. Until then the panel renders
 * nothing. A failed import (the chunk unreachable) is tried again on the next load.
 */
export class LazyHistory {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #loaded: Loaded | null = null;
  #loading: Promise<Loaded> | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
  }

  /** (Re)loads the newest page of the history, importing its code first when needed. */
  load(client: BatchClient): void {
    this.#ready().then(
      ({ controller }) => controller.load(client),
      () => {
        this.#loading = null;
      },
    );
  }

  /** The panel; nothing until its code arrived. */
  render({ client, ...view }: HistoryPanelOptions): TemplateResult | typeof nothing {
    if (!this.#loaded) return nothing;
    const { module, controller } = this.#loaded;
    return module.historyPanel({
      ...view,
      batches: controller.batches,
      error: controller.error,
      hasMore: controller.hasMore,
      onMore: () => void controller.showMore(client()),
    });
  }

  #ready(): Promise<Loaded> {
    this.#loading ??= import('../views/history.js').then((module) => {
      this.#loaded = { module, controller: new module.HistoryController(this.#host) };
      this.#host.requestUpdate();
      return this.#loaded;
    });
    return this.#loading;
  }
}
