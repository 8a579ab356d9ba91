import type { ClaimedFile, FileTransition } from '../store/records.js';
import { errorFields } from '../logger.js';
import { backoffDelay, sleep } from '../shared/backoff.js';
import type { ResolvedEngineOptions } from './engine-options.js';
import type { Publisher } from './publisher.js';
import { Interrupted, judgeError, toProcessorFile } from './run-file.js';
import { guardResult } from './patient-guard.js';

/**
 * The engine's `concurrency` workers: each claims a file from the store with a lease,
 * runs the processor on it while renewing the lease, and records the outcome only while
 * it still holds the lease. An idle worker polls the store every `pollIntervalMs`, or
 * sooner when woken (files were queued in this process).
 */
export class FileWorkers {
  readonly #running = new Map<string, AbortController>();
  readonly #loops: Promise<void>[] = [];
  #waiting: (() => void)[] = [];
  #stopping = false;
  #runsEnded = 0;

  constructor(
    private readonly options: ResolvedEngineOptions,
    private readonly publisher: Publisher,
  ) {}

  /** Files running now. */
  get inFlight(): number {
    return this.#running.size;
  }

  /** Processor runs that ended since start, whatever their outcome. */
  get runsEnded(): number {
    return this.#runsEnded;
  }

  /** Starts the workers. */
  start(): void {
    for (let slot = 0; slot < this.options.concurrency; slot++) this.#loops.push(this.#workLoop());
  }

  /** Tells idle workers to look for files now instead of at their next poll. */
  wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }

  /**
   * Stops claiming, lets running files finish for up to `shutdownGraceMs`, then
   * interrupts the rest, which go back to the queue without counting an attempt.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    const grace = setTimeout(() => {
      for (const controller of this.#running.values()) controller.abort(new Interrupted('shutdown'));
    }, this.options.shutdownGraceMs);
    await Promise.all(this.#loops);
    clearTimeout(grace);
  }

  async #workLoop(): Promise<void> {
    const { store, leaseMs, pollIntervalMs, instanceId, logger } = this.options;
    while (!this.#stopping) {
      let claimed: ClaimedFile | null = null;
      try {
        claimed = await store.queue.claimFile({ owner: instanceId, leaseMs });
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
      this.#waiting.push(done);
    });
  }

  async #run(claimed: ClaimedFile): Promise<void> {
    const { store, blobs, processor, leaseMs, processingTimeoutMs, processingDelayMs, maxAttempts, logger } = this.options;
    const { file, batch, token } = claimed;
    const controller = new AbortController();
    this.#running.set(file.id, controller);
    this.publisher.publishChange({ batch_id: batch.id, workspace_id: batch.workspace_id, batch_finished: false });

    const renewal = setInterval(
      () => {
        store.queue.renewLease(file.id, token, leaseMs).then(
          (held) => held || controller.abort(new Interrupted('lease_lost')),
          (error: unknown) => logger.warn({ file_id: file.id, ...errorFields(error) }, 'renewing a lease failed'),
        );
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
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
      const { resolvePatient, resolvePatientTimeoutMs } = this.options;
      const guarded = await guardResult(result ?? null, batch, { resolve: resolvePatient, timeoutMs: resolvePatientTimeoutMs, signal: controller.signal });
      verdict = controller.signal.aborted
        ? judgeError(controller.signal.reason, file.attempts, maxAttempts)
        : ({ kind: 'finish', outcome: { status: 'completed', result: guarded.result, review: guarded.review } } as const);
    } catch (error) {
      verdict = judgeError(controller.signal.aborted ? controller.signal.reason : error, file.attempts, maxAttempts);
      if (verdict.kind !== 'finish' || verdict.outcome.status === 'failed') {
        logger.info(
          { file_id: file.id, batch_id: batch.id, attempt: file.attempts, verdict: verdict.kind, ...errorFields(error) },
          'file processing did not complete',
        );
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
          const delayMs = verdict.retryAfterMs ?? backoffDelay(file.attempts, this.options.backoff);
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
    // Counted once its outcome is written (or writing it failed), like the log line.
    this.#runsEnded++;
    logger.debug({ file_id: file.id, verdict: verdict.kind, ms: Math.round(performance.now() - started) }, 'file run ended');
    if (transition && verdict.kind === 'finish' && verdict.outcome.status === 'failed') {
      const failed = { batch_id: batch.id, workspace_id: batch.workspace_id, file_id: file.id, attempts: file.attempts };
      this.publisher.publishFailed({ ...failed, error_code: verdict.outcome.error.code });
    }
    if (transition && verdict.kind === 'finish' && verdict.outcome.status === 'completed' && verdict.outcome.review) {
      const conflicting = (verdict.outcome.result as { patient_check?: { conflicting?: string[] } }).patient_check?.conflicting ?? [];
      this.publisher.publishNeedsReview({
        batch_id: batch.id,
        workspace_id: batch.workspace_id,
        file_id: file.id,
        reason_code: verdict.outcome.review.code,
        conflicting,
      });
    }
    // A retried file becomes claimable after its backoff; idle workers find it by polling.
    if (transition) this.publisher.publishChange(transition);
  }
}
