import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { BatchClient } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';
import type { HistoryView } from '../views/history-panel.js';
// A type-only import: it adds nothing to the bundle's first load.
import type * as HistoryModule from '../views/history.js';

type Loaded = { module: typeof HistoryModule; controller: HistoryModule.HistoryController };

/** What the panel needs besides the loaded batches. */
export type HistoryPanelOptions = Pick<HistoryView, 'strings' | 'locale' | 'level' | 'onRefresh'> & { client: () => BatchClient };

/** How the history speaks: the element's live region and texts. */
export interface LazyHistoryOptions {
  announce: (text: string) => void;
  strings: () => BatchUploaderStrings;
  /**
   * Retry failed of an opened batch that the element's session shows too (the batch just
   * finished): the session retries it, so that its outcome, progress and events follow;
   * null when the session shows another batch (the history retries it on its own).
   */
  retryInSession: (batchId: string) => Promise<unknown> | null;
}

/**
 * The recent-batches panel and the batch opened from it, whose code (views and
 * HistoryController) most pages never use: it is imported on the first load of the
 * history or the first batch opened, with a relative `import()` the bundle turns into a
 * chunk beside batch-uploader.js. Until then the panel renders nothing. A failed import
 * (the chunk unreachable) is tried again on the next load.
 */
export class LazyHistory {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: LazyHistoryOptions;
  #loaded: Loaded | null = null;
  #loading: Promise<Loaded> | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement, options: LazyHistoryOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** True while a batch is open in place of the list. */
  get isOpen(): boolean {
    return Boolean(this.#loaded?.controller.opened);
  }

  /** (Re)loads the newest page of the history, importing its code first when needed. */
  load(client: BatchClient): void {
    this.#ready().then(
      ({ controller }) => controller.load(client),
      () => {}, // The chunk could not be fetched: the next load tries again.
    );
  }

  /** Opens a batch in place of the list (its files, statuses, reasons, Retry failed). */
  open(client: BatchClient, batchId: string): Promise<void> {
    return this.#ready().then(({ controller }) => controller.open(client, batchId));
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
      opened: controller.opened,
      onMore: () => void controller.showMore(client()),
      onOpen: (id) => void controller.open(client(), id),
      onBack: () => controller.back(client()),
      onRetry: () => {
        const id = controller.opened?.id ?? '';
        const inSession = this.#options.retryInSession(id);
        if (inSession) void inSession.then(() => controller.open(client(), id));
        else void controller.retry(client());
      },
    });
  }

  #ready(): Promise<Loaded> {
    this.#loading ??= import('../views/history.js').then(
      (module) => {
        const { announce, strings } = this.#options;
        this.#loaded = {
          module,
          controller: new module.HistoryController(this.#host, { announce: (batch) => announce(module.batchSummary(batch, strings())) }),
        };
        this.#host.requestUpdate();
        return this.#loaded;
      },
      (error: unknown) => {
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }
}
