import type { InspectionResult } from '@batch-uploader/protocol';
import { INSPECT_DEFAULTS } from './defaults.js';
import { InspectChild, type InspectChildOptions, type InspectJob } from './inspect-child.js';

interface Waiter {
  /** Whose job it is (the file's workspace): waiting jobs are served by turns of these. */
  group: string;
  take(child: InspectChild): void;
  fail(error: unknown): void;
}

/**
 * Up to `maxWorkers` parser processes, started on demand and reused; a process that was
 * terminated (timeout, abort) or crashed is replaced by a fresh one, and one left unused
 * for a minute is stopped. Jobs beyond `maxWorkers` wait without their bytes: a job's
 * document is read only once a child takes it, so memory holds at most `maxWorkers`
 * documents however many files the engine runs at once. Its timeout starts when the
 * child has the bytes.
 *
 * Waiting jobs are served by turns of their group (the workspace): a free process goes
 * to a waiting job of the group with the fewest jobs being parsed, then of the group
 * served longest ago (never: first), its oldest job first; so one workspace's files
 * queued first do not hold every process while another workspace's file waits behind them.
 */
export class InspectPool {
  readonly #maxWorkers: number;
  readonly #childOptions: InspectChildOptions;
  readonly #children = new Set<InspectChild>();
  readonly #idle: InspectChild[] = [];
  readonly #idleTimers = new Map<InspectChild, NodeJS.Timeout>();
  readonly #waiting: Waiter[] = [];
  /** Jobs holding a process, by group. */
  readonly #parsing = new Map<string, number>();
  /** When each group with jobs parsing or waiting last got a process, by a counter of takes. */
  readonly #served = new Map<string, number>();
  #takes = 0;
  #closed = false;

  constructor(maxWorkers: number, childOptions: InspectChildOptions) {
    this.#maxWorkers = maxWorkers;
    this.#childOptions = childOptions;
  }

  /**
   * Waits for a free process (by turns of `group`, see above), then reads the document
   * with `load` and inspects it there (see {@link InspectChild.inspect}).
   */
  async run(load: () => Promise<Uint8Array>, job: InspectJob, group = ''): Promise<InspectionResult> {
    const child = await this.#acquire(job.signal, group);
    try {
      const bytes = await load();
      job.signal.throwIfAborted();
      return await child.inspect(bytes, job);
    } finally {
      this.#count(group, -1);
      this.#release(child);
    }
  }

  /** Stops every child; waiting and later jobs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.fail(closedError());
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    this.#idle.length = 0;
    await Promise.all([...this.#children].map((child) => child.terminate()));
  }

  #acquire(signal: AbortSignal, group: string): Promise<InspectChild> {
    if (this.#closed) return Promise.reject(closedError());
    if (signal.aborted) return Promise.reject(signal.reason);
    const idle = this.#idle.pop();
    if (idle) {
      clearTimeout(this.#idleTimers.get(idle));
      this.#idleTimers.delete(idle);
      idle.ref();
      this.#take(group);
      return Promise.resolve(idle);
    }
    if (this.#children.size < this.#maxWorkers) {
      this.#take(group);
      return Promise.resolve(this.#spawn());
    }
    return new Promise<InspectChild>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        group,
        take: (child) => {
          signal.removeEventListener('abort', onAbort);
          // Counted when chosen, so that the next choice, maybe in the same tick, sees it.
          this.#take(group);
          resolve(child);
        },
        fail: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #release(child: InspectChild): void {
    if (!child.alive) return this.#retire(child);
    const waiter = this.#nextWaiter();
    if (waiter) return waiter.take(child);
    child.unref();
    this.#idle.push(child);
    const timer = setTimeout(() => {
      this.#retire(child);
      void child.terminate();
    }, INSPECT_DEFAULTS.idleTimeoutMs);
    this.#idleTimers.set(child, timer.unref());
  }

  // Called on release, on idle expiry and again on exit; only the first call counts.
  #retire(child: InspectChild): void {
    if (!this.#children.delete(child)) return;
    clearTimeout(this.#idleTimers.get(child));
    this.#idleTimers.delete(child);
    const index = this.#idle.indexOf(child);
    if (index !== -1) this.#idle.splice(index, 1);
    if (this.#closed) return;
    const waiter = this.#nextWaiter();
    if (waiter) waiter.take(this.#spawn());
  }

  /** Takes the next waiting job by turns of the groups (see the class). */
  #nextWaiter(): Waiter | undefined {
    let best: Waiter | undefined;
    for (const waiter of this.#waiting) {
      if (!best || this.#before(waiter.group, best.group)) best = waiter;
    }
    if (best) this.#waiting.splice(this.#waiting.indexOf(best), 1);
    return best;
  }

  /** Whether `a`'s turn comes before `b`'s: fewer jobs parsing, then served longer ago. */
  #before(a: string, b: string): boolean {
    const parsing = this.#parsingOf(a) - this.#parsingOf(b);
    if (parsing !== 0) return parsing < 0;
    return (this.#served.get(a) ?? 0) < (this.#served.get(b) ?? 0);
  }

  /** A job of `group` got a process. */
  #take(group: string): void {
    this.#count(group, 1);
    this.#served.set(group, ++this.#takes);
  }

  #parsingOf(group: string): number {
    return this.#parsing.get(group) ?? 0;
  }

  #count(group: string, delta: number): void {
    const n = this.#parsingOf(group) + delta;
    if (n > 0) {
      this.#parsing.set(group, n);
      return;
    }
    this.#parsing.delete(group);
    // A group with nothing parsing or waiting needs no turn: it comes back as new.
    if (!this.#waiting.some((waiter) => waiter.group === group)) this.#served.delete(group);
  }

  #spawn(): InspectChild {
    const child = new InspectChild(this.#childOptions, (gone) => this.#retire(gone));
    this.#children.add(child);
    return child;
  }
}

function closedError(): Error {
  return new Error('The document inspector is closed.');
}
