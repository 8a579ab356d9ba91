/** What listeners of one batch are told. */
export interface BatchChange {
  batch_id: string;
  workspace_id: string;
  /** True when this change finished the batch. */
  finished: boolean;
}

type Listener = (change: BatchChange) => void;

/**
 * In-process notifications of batch changes, by batch id. Live views use it to push a
 * fresh snapshot at once; they still poll the store now and then, because a change
 * made by another process sharing the store is not announced here.
 */
export class BatchEvents {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #anyListeners = new Set<Listener>();

  /** Calls `listener` on every change of `batchId`; returns the unsubscribe function. */
  subscribe(batchId: string, listener: Listener): () => void {
    let set = this.#listeners.get(batchId);
    if (!set) this.#listeners.set(batchId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(batchId);
    };
  }

  /** Calls `listener` on every change of any batch; returns the unsubscribe function. */
  subscribeAll(listener: Listener): () => void {
    this.#anyListeners.add(listener);
    return () => this.#anyListeners.delete(listener);
  }

  /** Announces a change. A throwing listener never stops the others. */
  emit(change: BatchChange): void {
    for (const listener of [...(this.#listeners.get(change.batch_id) ?? []), ...this.#anyListeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own; the engine must go on.
      }
    }
  }

  /** How many batches have listeners (for tests of leak-free disconnects). */
  get watchedBatches(): number {
    return this.#listeners.size;
  }
}
