/**
 * Writes started in the background of the change that caused them (an event or an email
 * into the outbox), so the caller never waits; `flush` awaits what is still being
 * written, on shutdown, before the store may close. Each task logs its own failure.
 */
export class BackgroundWrites {
  readonly #writing = new Set<Promise<void>>();

  /** Starts `task` now, without waiting for it. `task` must not reject. */
  run(task: () => Promise<void>): void {
    const writing = task();
    this.#writing.add(writing);
    void writing.finally(() => this.#writing.delete(writing));
  }

  /** Waits until every task started so far (and any they started) has ended. */
  async flush(): Promise<void> {
    while (this.#writing.size > 0) await Promise.all([...this.#writing]);
  }
}
