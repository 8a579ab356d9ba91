import { readHeads } from './sniff-type.js';

/** A file waiting for its content check: the session's id and its bytes (and whatever the caller needs to decide). */
export interface PendingCheck {
  readonly id: string;
  readonly file: Blob;
}

/** One checked file and its first bytes (null when they could not be read). */
export interface CheckedHead<C extends PendingCheck> {
  readonly check: C;
  readonly head: Uint8Array | null;
}

/** Files read per round: their verdicts reach the state in one update, then the page gets a turn. */
const ROUND = 64;
/** Reads at a time within a round (see `readHeads`: more makes longer tasks). */
const CONCURRENCY = 8;

/**
 * The files accepted by their declared type whose first bytes are still to be read, read
 * in the background: after the next paint, a round of a few dozen at a time, so the page
 * stays responsive however many there are. Each round's heads go to `decide` in one call.
 * A file that is forgotten (removed, cleared, reset) before its round ends is never
 * decided, so its verdict cannot bring it back.
 */
export class ContentChecks<C extends PendingCheck> {
  readonly #decide: (heads: ReadonlyArray<CheckedHead<C>>) => void;
  /** Waiting or being read, by id; the queue below may still hold ids forgotten since. */
  readonly #pending = new Map<string, C>();
  #queue: C[] = [];
  /** Where the next round starts in the queue. */
  #next = 0;
  #running = false;
  #stopped = false;
  readonly #idle = new Set<() => void>();

  constructor(decide: (heads: ReadonlyArray<CheckedHead<C>>) => void) {
    this.#decide = decide;
  }

  /** Files not yet decided. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Queues files for checking; the reading starts after the next paint. */
  add(checks: readonly C[]): void {
    if (this.#stopped || checks.length === 0) return;
    for (const check of checks) {
      this.#pending.set(check.id, check);
      this.#queue.push(check);
    }
    if (!this.#running) void this.#run();
  }

  /** Drops the checks of these files (all when none are named): they will never be decided. */
  forget(ids?: Iterable<string>): void {
    if (ids === undefined) this.#pending.clear();
    else for (const id of ids) this.#pending.delete(id);
    if (this.#pending.size === 0) this.#emptyQueue();
    this.#wakeIfIdle();
  }

  /** Resolves once no file waits for its check (at once when none does); rejects when `signal` aborts first. */
  settled(signal?: AbortSignal): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#idle.delete(done);
        reject(signal!.reason instanceof Error ? signal!.reason : new DOMException('The wait was aborted.', 'AbortError'));
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#idle.add(done);
    });
  }

  /** Stops reading for good; waiters of {@link ContentChecks.settled} are released. */
  stop(): void {
    this.#stopped = true;
    this.forget();
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      await afterPaint();
      while (!this.#stopped) {
        const round: C[] = [];
        while (round.length < ROUND && this.#next < this.#queue.length) {
          const check = this.#queue[this.#next++]!;
          if (this.#pending.get(check.id) === check) round.push(check);
        }
        if (round.length === 0) {
          this.#emptyQueue();
          break;
        }
        const heads = await readHeads(
          round.map((check) => check.file),
          CONCURRENCY,
        );
        const decided = round.flatMap((check, i) => (this.#pending.get(check.id) === check ? [{ check, head: heads[i] ?? null }] : []));
        for (const { check } of decided) this.#pending.delete(check.id);
        if (decided.length > 0 && !this.#stopped) this.#decide(decided);
        this.#wakeIfIdle();
        await nextTask();
      }
    } finally {
      this.#running = false;
    }
  }

  #emptyQueue(): void {
    this.#queue = [];
    this.#next = 0;
  }

  #wakeIfIdle(): void {
    if (this.#pending.size > 0) return;
    for (const wake of [...this.#idle]) wake();
    this.#idle.clear();
  }
}

/**
 * Resolves after the next paint in a browser (a task queued from a frame callback runs
 * after that frame), so the files just added are on screen before their bytes are read;
 * after 100 ms where frames do not come (a hidden tab), and at the next task in Node.
 */
function afterPaint(): Promise<void> {
  const frame = globalThis.requestAnimationFrame as ((callback: () => void) => number) | undefined;
  if (typeof frame !== 'function') return nextTask();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    frame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
