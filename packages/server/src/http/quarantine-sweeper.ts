import { errorFields, silentLogger, type Logger } from '../logger.js';
import { sweepQuarantine, touchHeld } from './quarantine-folder.js';

/** Options of {@link QuarantineSweeper}. */
export interface QuarantineSweeperOptions {
  /** The router's `uploadDir`. */
  dir: string;
  /**
   * A temporary upload that no request holds any more is removed once untouched this
   * long. Processes sharing the folder must agree on it: each touches the files it holds
   * every quarter of it.
   * @default 120000
   */
  abandonedAfterMs?: number;
  /** Where sweeps that removed files, or failed, are logged (counts only). @default silent */
  logger?: Logger;
}

/**
 * Keeps the upload quarantine clean while the server runs, not only at start-up: every
 * quarter of `abandonedAfterMs` it touches the files this process is receiving (so that
 * other processes sharing the folder leave them alone), and removes files no request
 * holds that were untouched for `abandonedAfterMs`: the uploads of a process that died
 * mid-request, whose bytes would otherwise stay until a restart. A file of a request
 * still in flight is never removed, however long the request lasts.
 *
 * @example
 * const sweeper = new QuarantineSweeper({ dir: uploadDir });
 * await sweeper.start();   // sweeps once, then keeps sweeping
 * // on shutdown
 * await sweeper.close();
 */
export class QuarantineSweeper {
  readonly #dir: string;
  readonly #abandonedAfterMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(options: QuarantineSweeperOptions) {
    if (!options?.dir) throw new TypeError("QuarantineSweeper: `dir` must name the router's uploadDir.");
    const abandonedAfterMs = options.abandonedAfterMs ?? 120_000;
    if (!Number.isFinite(abandonedAfterMs) || abandonedAfterMs < 1_000) {
      throw new RangeError('QuarantineSweeper: `abandonedAfterMs` must be at least 1000 ms.');
    }
    this.#dir = options.dir;
    this.#abandonedAfterMs = abandonedAfterMs;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Sweeps once, then every quarter of `abandonedAfterMs` until {@link close}. */
  async start(): Promise<void> {
    if (this.#timer) return;
    await this.#sweep();
    this.#timer = setInterval(() => {
      this.#running ??= this.#sweep().finally(() => (this.#running = null));
    }, this.#abandonedAfterMs / 4);
    this.#timer.unref();
  }

  /** Stops sweeping; waits for a sweep under way. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  async #sweep(): Promise<void> {
    try {
      await touchHeld(this.#dir);
      const removed = await sweepQuarantine(this.#dir, this.#abandonedAfterMs);
      if (removed > 0) this.#logger.info({ removed }, 'removed abandoned uploads');
    } catch (error) {
      this.#logger.warn({ ...errorFields(error) }, 'sweeping abandoned uploads failed');
    }
  }
}
