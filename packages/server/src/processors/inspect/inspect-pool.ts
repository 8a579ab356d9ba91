import type { InspectionResult } from '@batch-uploader/protocol';
import { INSPECT_DEFAULTS } from './defaults.js';
import { InspectChild, type InspectChildOptions, type InspectJob } from './inspect-child.js';

interface Waiter {
  take(child: InspectChild): void;
  fail(error: unknown): void;
}

/**
 * Up to `maxWorkers` parser processes, started on demand and reused; a process that was
 * terminated (timeout, abort) or crashed is replaced by a fresh one, and one left unused
 * for a minute is stopped. Jobs beyond `maxWorkers` wait in order, without their bytes:
 * a job's document is read only once a child takes it, so memory holds at most
 * `maxWorkers` documents however many files the engine runs at once. Its timeout starts
 * when the child has the bytes.
 */
export class InspectPool {
  readonly #maxWorkers: number;
  readonly #childOptions: InspectChildOptions;
  readonly #children = new Set<InspectChild>();
  readonly #idle: InspectChild[] = [];
  readonly #idleTimers = new Map<InspectChild, NodeJS.Timeout>();
  readonly #waiting: Waiter[] = [];
  #closed = false;

  constructor(maxWorkers: number, childOptions: InspectChildOptions) {
    this.#maxWorkers = maxWorkers;
    this.#childOptions = childOptions;
  }

  /** Waits for a free process, then reads the document with `load` and inspects it there (see {@link InspectChild.inspect}). */
  async run(load: () => Promise<Uint8Array>, job: InspectJob): Promise<InspectionResult> {
    const child = await this.#acquire(job.signal);
    try {
      const bytes = await load();
      job.signal.throwIfAborted();
      return await child.inspect(bytes, job);
    } finally {
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

  #acquire(signal: AbortSignal): Promise<InspectChild> {
    if (this.#closed) return Promise.reject(closedError());
    if (signal.aborted) return Promise.reject(signal.reason);
    const idle = this.#idle.pop();
    if (idle) {
      clearTimeout(this.#idleTimers.get(idle));
      this.#idleTimers.delete(idle);
      idle.ref();
      return Promise.resolve(idle);
    }
    if (this.#children.size < this.#maxWorkers) return Promise.resolve(this.#spawn());
    return new Promise<InspectChild>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        take: (child) => {
          signal.removeEventListener('abort', onAbort);
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
    const waiter = this.#waiting.shift();
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
    const waiter = this.#waiting.shift();
    if (waiter) waiter.take(this.#spawn());
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
