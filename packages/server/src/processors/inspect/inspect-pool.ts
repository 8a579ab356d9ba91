import type { InspectionResult } from '@batch-uploader/protocol';
import { INSPECT_DEFAULTS } from './defaults.js';
import { InspectThread, type InspectJob } from './inspect-thread.js';

interface Waiter {
  take(thread: InspectThread): void;
  fail(error: unknown): void;
}

/**
 * Up to `maxWorkers` parser threads, started on demand and reused; a thread that was
 * terminated (timeout, abort) or crashed is replaced by a fresh one, and one left unused
 * for a minute is stopped. Jobs beyond `maxWorkers` wait in order, without their bytes:
 * a job's document is read only once a thread takes it, so memory holds at most
 * `maxWorkers` documents however many files the engine runs at once. Its timeout starts
 * when the thread has the bytes.
 */
export class InspectPool {
  readonly #maxWorkers: number;
  readonly #threads = new Set<InspectThread>();
  readonly #idle: InspectThread[] = [];
  readonly #idleTimers = new Map<InspectThread, NodeJS.Timeout>();
  readonly #waiting: Waiter[] = [];
  #closed = false;

  constructor(maxWorkers: number) {
    this.#maxWorkers = maxWorkers;
  }

  /** Waits for a free thread, then reads the document with `load` and inspects it there (see {@link InspectThread.inspect}). */
  async run(load: () => Promise<Uint8Array>, job: InspectJob): Promise<InspectionResult> {
    const thread = await this.#acquire(job.signal);
    try {
      const bytes = await load();
      job.signal.throwIfAborted();
      return await thread.inspect(bytes, job);
    } finally {
      this.#release(thread);
    }
  }

  /** Stops every thread; waiting and later jobs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.fail(closedError());
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    this.#idle.length = 0;
    await Promise.all([...this.#threads].map((thread) => thread.terminate()));
  }

  #acquire(signal: AbortSignal): Promise<InspectThread> {
    if (this.#closed) return Promise.reject(closedError());
    if (signal.aborted) return Promise.reject(signal.reason);
    const idle = this.#idle.pop();
    if (idle) {
      clearTimeout(this.#idleTimers.get(idle));
      this.#idleTimers.delete(idle);
      idle.ref();
      return Promise.resolve(idle);
    }
    if (this.#threads.size < this.#maxWorkers) return Promise.resolve(this.#spawn());
    return new Promise<InspectThread>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        take: (thread) => {
          signal.removeEventListener('abort', onAbort);
          resolve(thread);
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

  #release(thread: InspectThread): void {
    if (!thread.alive) return this.#retire(thread);
    const waiter = this.#waiting.shift();
    if (waiter) return waiter.take(thread);
    thread.unref();
    this.#idle.push(thread);
    const timer = setTimeout(() => {
      this.#retire(thread);
      void thread.terminate();
    }, INSPECT_DEFAULTS.idleTimeoutMs);
    this.#idleTimers.set(thread, timer.unref());
  }

  // Called on release, on idle expiry and again on exit; only the first call counts.
  #retire(thread: InspectThread): void {
    if (!this.#threads.delete(thread)) return;
    clearTimeout(this.#idleTimers.get(thread));
    this.#idleTimers.delete(thread);
    const index = this.#idle.indexOf(thread);
    if (index !== -1) this.#idle.splice(index, 1);
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter) waiter.take(this.#spawn());
  }

  #spawn(): InspectThread {
    const thread = new InspectThread((gone) => this.#retire(gone));
    this.#threads.add(thread);
    return thread;
  }
}

function closedError(): Error {
  return new Error('The document inspector is closed.');
}
