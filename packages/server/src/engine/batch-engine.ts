import { randomUUID } from 'node:crypto';
import { FILE_ERRORS } from '@batch-uploader/protocol';
import type { ClaimedFile, FileTransition } from '../store/records.js';
import { errorFields } from '../logger.js';
import { backoffDelay, sleep } from './backoff.js';
import { BatchEvents } from './batch-events.js';
import { resolveEngineOptions, type BatchEngineOptions, type ResolvedEngineOptions } from './engine-options.js';
import { Interrupted, judgeError, toProcessorFile } from './run-file.js';
import { RetentionSweeper } from './retention-sweeper.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { WebhookNotifier } from '../webhooks/webhook-notifier.js';

/**
 * Runs the processing queue: `concurrency` workers claim files from the store with a
 * lease, run the processor on them, and record the outcome only while they still hold
 * the lease. Nothing lives only in memory: a process that dies leaves expired leases,
 * and whichever process sweeps next puts those files back in the queue.
 *
 * The engine knows nothing of HTTP. Create it, `await start()`, and `await close()` on
 * shutdown; the store and blob store are opened and closed by their owner.
 */
export class BatchEngine {
  /** Changes of batches made by this process, for live views. */
  readonly events = new BatchEvents();
  readonly #options: ResolvedEngineOptions;
  readonly #running = new Map<string, AbortController>();
  readonly #loops: Promise<void>[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #retention: RetentionSweeper;
  readonly #webhooks: { notifier: WebhookNotifier; dispatcher: WebhookDispatcher } | null;
  #wake: (() => void)[] = [];
  #state: 'new' | 'running' | 'closing' | 'closed' = 'new';

  constructor(options: BatchEngineOptions) {
    this.#options = resolveEngineOptions(options, () => `engine-${randomUUID()}`);
    this.#retention = new RetentionSweeper(this.#options);
    const { store, webhooks, logger } = this.#options;
    // Webhooks for a store without an outbox were refused by resolveEngineOptions.
    const outbox = store.outbox;
    if (webhooks && outbox) {
      const dispatcher = new WebhookDispatcher(outbox, webhooks, logger);
      this.#webhooks = { dispatcher, notifier: new WebhookNotifier({ records: store.records, outbox }, webhooks, logger, () => dispatcher.notify()) };
    } else {
      this.#webhooks = null;
    }
  }

  /** The store this engine works on. */
  get store() {
    return this.#options.store;
  }

  /** The blob store this engine reads bytes from. */
  get blobs() {
    return this.#options.blobs;
  }

  /** How long a batch held open for appends waits for its next part. */
  get appendHoldMs(): number {
    return this.#options.appendHoldMs;
  }

  /** The id this process puts in its leases. */
  get instanceId(): string {
    return this.#options.instanceId;
  }

  /** Starts the workers and the periodic sweeps; files left by a previous run are picked up. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('BatchEngine: start() can be called once.');
    this.#state = 'running';
    await this.#reclaimExpired();
    const { leaseMs, retention, concurrency, logger } = this.#options;
    this.#every(Math.max(250, Math.floor(leaseMs / 2)), () => this.#reclaimExpired());
    this.#every(retention.sweepIntervalMs, () => this.#retention.sweep());
    // An expired hold is released within about half the hold (at most a minute) after it ran out.
    this.#every(Math.min(60_000, Math.max(250, Math.floor(this.#options.appendHoldMs / 2))), () => this.#releaseExpiredHolds());
    for (let slot = 0; slot < concurrency; slot++) this.#loops.push(this.#workLoop());
    this.#webhooks?.dispatcher.start();
    logger.info({ instance: this.instanceId, concurrency, lease_ms: leaseMs }, 'processing engine started');
  }

  /** Tells idle workers that new files are queued (a new batch, a retry). */
  notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const wake of waiting) wake();
  }

  /**
   * Announces a change that happened outside the workers (upload, cancel): live views
   * are told, and a batch it finished gets its `batch.completed` webhook.
   */
  announce(transition: FileTransition): void {
    this.events.emit({
      batch_id: transition.batch_id,
      workspace_id: transition.workspace_id,
      finished: transition.batch_finished,
    });
    if (transition.batch_finished) this.#webhooks?.notifier.batchFinished(transition.workspace_id, transition.batch_id);
  }

  /** Announces files that failed without running (refused at upload), for `file.failed` webhooks. */
  announceRejectedFiles(batch: { batch_id: string; workspace_id: string }, files: { id: string; error_code: string }[]): void {
    for (const file of files) {
      this.#webhooks?.notifier.fileFailed({ ...batch, file_id: file.id, error_code: file.error_code, attempts: 0 });
    }
  }

  /** Runs the retention sweep now; returns how many files' bytes, batches' content and batches were removed. */
  sweepRetention(): Promise<{ blobs: number; contents: number; batches: number }> {
    return this.#retention.sweep();
  }

  /**
   * Stops claiming, lets running files finish for up to `shutdownGraceMs`, then
   * interrupts the rest and gives them back to the queue without counting an attempt.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'closing') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'closing';
    for (const timer of this.#timers) clearInterval(timer);
    this.notify();
    if (wasRunning) {
      const grace = setTimeout(() => {
        for (const controller of this.#running.values()) controller.abort(new Interrupted('shutdown'));
      }, this.#options.shutdownGraceMs);
      await Promise.all(this.#loops);
      clearTimeout(grace);
    }
    // Events of the last outcomes are written before the store may close; their delivery waits for the next start.
    await this.#webhooks?.notifier.flush();
    await this.#webhooks?.dispatcher.close();
    this.#state = 'closed';
  }

  #every(ms: number, task: () => Promise<unknown>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      // Periodic tasks log their own failures and never reject.
      void task().finally(() => (busy = false));
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  async #workLoop(): Promise<void> {
    const { store, leaseMs, pollIntervalMs, logger } = this.#options;
    while (this.#state === 'running') {
      let claimed: ClaimedFile | null = null;
      try {
        claimed = await store.queue.claimFile({ owner: this.instanceId, leaseMs });
      } catch (error) {
        logger.error({ ...errorFields(error) }, 'claiming a file failed');
      }
      if (claimed) await this.#run(claimed);
      else await this.#idle(pollIntervalMs);
    }
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake.push(done);
    });
  }

  async #run(claimed: ClaimedFile): Promise<void> {
    const { store, blobs, processor, leaseMs, processingTimeoutMs, processingDelayMs, maxAttempts, logger } = this.#options;
    const { file, batch, token } = claimed;
    const controller = new AbortController();
    this.#running.set(file.id, controller);
    this.events.emit({ batch_id: batch.id, workspace_id: batch.workspace_id, finished: false });

    const renewal = setInterval(() => {
      store.queue.renewLease(file.id, token, leaseMs).then(
        (held) => held || controller.abort(new Interrupted('lease_lost')),
        (error: unknown) => logger.warn({ file_id: file.id, ...errorFields(error) }, 'renewing a lease failed'),
      );
    }, Math.max(50, Math.floor(leaseMs / 3)));
    const deadline = setTimeout(() => controller.abort(new Interrupted('timeout')), processingTimeoutMs);

    let verdict;
    const started = performance.now();
    try {
      if (processingDelayMs > 0) await sleep(processingDelayMs, controller.signal);
      const result = await processor(toProcessorFile(claimed, blobs), {
        signal: controller.signal,
        attempt: file.attempts,
        workspace_id: batch.workspace_id,
        patient_id: batch.patient_id,
        template_id: batch.template_id,
        encounter_id: batch.encounter_id,
      });
      verdict = controller.signal.aborted
        ? judgeError(controller.signal.reason, file.attempts, maxAttempts)
        : ({ kind: 'finish', outcome: { status: 'completed', result: result ?? null } } as const);
    } catch (error) {
      verdict = judgeError(controller.signal.aborted ? controller.signal.reason : error, file.attempts, maxAttempts);
      if (verdict.kind !== 'finish' || verdict.outcome.status === 'failed') {
        logger.info({ file_id: file.id, batch_id: batch.id, attempt: file.attempts, verdict: verdict.kind, ...errorFields(error) }, 'file processing did not complete');
      }
    } finally {
      clearInterval(renewal);
      clearTimeout(deadline);
      this.#running.delete(file.id);
    }

    let transition: FileTransition | null = null;
    try {
      switch (verdict.kind) {
        case 'finish':
          transition = await store.queue.finishFile(file.id, token, verdict.outcome);
          break;
        case 'retry': {
          const delayMs = verdict.retryAfterMs ?? backoffDelay(file.attempts, this.#options.backoff);
          transition = await store.queue.releaseFile(file.id, token, { delayMs, error: verdict.error, refundAttempt: false });
          break;
        }
        case 'release':
          transition = await store.queue.releaseFile(file.id, token, { delayMs: 0, error: null, refundAttempt: true });
          break;
        case 'drop':
          break;
      }
    } catch (error) {
      // The lease runs out and the file is claimed again: nothing is lost.
      logger.error({ file_id: file.id, ...errorFields(error) }, 'recording a file outcome failed');
    }
    logger.debug({ file_id: file.id, verdict: verdict.kind, ms: Math.round(performance.now() - started) }, 'file run ended');
    if (transition && verdict.kind === 'finish' && verdict.outcome.status === 'failed') {
      const failed = { batch_id: batch.id, workspace_id: batch.workspace_id, file_id: file.id, attempts: file.attempts };
      this.#webhooks?.notifier.fileFailed({ ...failed, error_code: verdict.outcome.error.code });
    }
    // A retried file becomes claimable after its backoff; idle workers find it by polling.
    if (transition) this.announce(transition);
  }

  async #releaseExpiredHolds(): Promise<void> {
    const { store, logger } = this.#options;
    try {
      const transitions = await store.control.releaseExpiredHolds();
      if (transitions.length > 0) logger.info({ batches: transitions.length }, 'released holds of batches no more files came for');
      for (const transition of transitions) this.announce(transition);
    } catch (error) {
      logger.error({ ...errorFields(error) }, 'releasing expired holds failed');
    }
  }

  async #reclaimExpired(): Promise<void> {
    const { store, maxAttempts, logger } = this.#options;
    try {
      const transitions = await store.queue.reclaimExpired({
        maxAttempts,
        error: { code: 'WORKER_LOST', message: FILE_ERRORS.WORKER_LOST },
      });
      if (transitions.length > 0) {
        logger.info({ files: transitions.length }, 'reclaimed files whose worker stopped');
        for (const transition of transitions) {
          this.announce(transition);
          if (transition.file?.status === 'failed') {
            const { batch_id, workspace_id } = transition;
            this.#webhooks?.notifier.fileFailed({ batch_id, workspace_id, file_id: transition.file.id, error_code: 'WORKER_LOST', attempts: transition.file.attempts });
          }
        }
        this.notify();
      }
    } catch (error) {
      logger.error({ ...errorFields(error) }, 'reclaiming expired leases failed');
    }
  }
}
