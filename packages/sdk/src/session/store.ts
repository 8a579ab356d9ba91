/** Called after every change with the new and the previous state. */
export type Listener<S> = (state: S, previous: S) => void;

/**
 * The smallest store that works: one immutable state, replaced whole by `set`, and
 * listeners told synchronously. A UI renders from `getState()` and re-renders on notify.
 */
export class Store<S> {
  #state: S;
  readonly #listeners = new Set<Listener<S>>();

  constructor(initial: S) {
    this.#state = initial;
  }

  /** The current state; never mutate it. */
  getState(): S {
    return this.#state;
  }

  /** Replaces the state with `update(state)` and notifies once; a same-object result notifies nobody. */
  set(update: (state: S) => S): void {
    const previous = this.#state;
    const next = update(previous);
    if (next === previous) return;
    this.#state = next;
    // A copy: a listener that unsubscribes (or subscribes) while notified must not skip others.
    for (const listener of [...this.#listeners]) {
      try {
        listener(next, previous);
      } catch (error) {
        // One broken subscriber must not starve the others or corrupt the update; report it unhandled.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: Listener<S>): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
