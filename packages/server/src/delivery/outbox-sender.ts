import { backoffDelay } from '../shared/backoff.js';
import { errorFields, type Logger } from '../logger.js';
import type { DeliveryOutcome, Outbox, OutboxDelivery } from '../store/outbox.js';

/** Extra lease time beyond an attempt's time limit, so a slow attempt never overlaps a retry. */
const LEASE_MARGIN_MS = 5_000;

/**
 * Why an attempt failed, in words fit for a log: no address, no payload, no patient data
 * (e.g. "HTTP 503", "SMTP 451", "network error"). Anything else a `send` throws is
 * logged as `fallbackReason`.
 */
export class DeliveryFailure extends Error {
  override readonly name = 'DeliveryFailure';
}

/** What one channel's sender needs: which messages, how to send one, and how hard to try. */
export interface OutboxSenderOptions {
  /** The outbox channel whose messages this sender claims. */
  channel: string;
  /** Names the messages in logs, e.g. `webhook` ("webhook delivered"). */
  label: string;
  /**
   * Sends one message. Resolves when the receiver took it; rejects (preferably with a
   * {@link DeliveryFailure}) when not. Must stop when `signal` aborts: on the attempt's
   * time limit and on shutdown.
   */
  send(delivery: OutboxDelivery, signal: AbortSignal): Promise<void>;
  /** Longest time one attempt may take before it is aborted and counts as failed. */
  timeoutMs: number;
  /** Attempts of one message before it is given up (kept in the outbox as dead). */
  maxAttempts: number;
  /** Delays between attempts: exponential from `baseMs`, capped at `maxMs`, jittered. */
  backoff: { baseMs: number; maxMs: number };
  /** How often an idle sender looks for due messages (retries, messages of other processes). */
  pollIntervalMs: number;
  /** Logged for a rejection that is not a {@link DeliveryFailure}. @default 'network error' */
  fallbackReason?: string;
}

/**
 * Delivers the messages of one outbox channel, one at a time, in its own loop: whoever
 * enqueued them never waits for a receiver. An attempt that fails is retried with
 * exponential backoff until `maxAttempts`, then the message is kept as dead. Every
 * process sharing the store may run one per channel; the outbox's leases let only one of
 * them hold a message at a time (at-least-once delivery).
 */
export class OutboxSender {
  #state: 'new' | 'running' | 'closing' | 'closed' = 'new';
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #inflight: AbortController | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly options: OutboxSenderOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts the delivery loop. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.#loop = this.#run();
  }

  /** Tells an idle loop that a message was enqueued. */
  wake(): void {
    this.#wake?.();
  }

  /** Stops the loop; an attempt in flight is interrupted and its message stays due. */
  async close(): Promise<void> {
    if (this.#state !== 'running') {
      this.#state = 'closed';
      return;
    }
    this.#state = 'closing';
    this.#inflight?.abort();
    this.wake();
    await this.#loop;
    this.#state = 'closed';
  }

  async #run(): Promise<void> {
    const { channel, label, timeoutMs, pollIntervalMs } = this.options;
    const leaseMs = timeoutMs + LEASE_MARGIN_MS;
    while (this.#state === 'running') {
      let delivery: OutboxDelivery | null = null;
      try {
        delivery = await this.outbox.claim({ channel, leaseMs });
      } catch (error) {
        this.logger.error({ ...errorFields(error) }, `claiming a ${label} message failed`);
      }
      if (delivery) await this.#deliver(delivery);
      else await this.#idle(pollIntervalMs);
    }
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  async #deliver(delivery: OutboxDelivery): Promise<void> {
    const { label, send, timeoutMs, maxAttempts, backoff, fallbackReason = 'network error' } = this.options;
    const controller = new AbortController();
    this.#inflight = controller;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let failure: string | null = null;
    try {
      await send(delivery, controller.signal);
    } catch (error) {
      if (this.#state !== 'running') failure = 'shutdown';
      else if (controller.signal.aborted) failure = 'timeout';
      else failure = error instanceof DeliveryFailure ? error.message : fallbackReason;
    } finally {
      clearTimeout(timer);
      this.#inflight = null;
    }

    let outcome: DeliveryOutcome;
    if (failure === null) outcome = { status: 'delivered' };
    else if (failure === 'shutdown') outcome = { status: 'retry', delayMs: 0, error: 'interrupted by a shutdown' };
    else if (delivery.attempts >= maxAttempts) outcome = { status: 'dead', error: failure };
    else outcome = { status: 'retry', delayMs: backoffDelay(delivery.attempts, backoff), error: failure };

    const fields = { event_id: delivery.id, event: delivery.type, attempt: delivery.attempts };
    if (outcome.status === 'delivered') this.logger.debug(fields, `${label} delivered`);
    else if (outcome.status === 'dead') this.logger.error({ ...fields, error: failure }, `${label} given up after its last attempt`);
    else if (failure !== 'shutdown')
      this.logger.warn({ ...fields, error: failure, retry_in_ms: outcome.delayMs }, `${label} delivery failed; it will be retried`);
    try {
      await this.outbox.settle(delivery.id, delivery.token, outcome);
    } catch (error) {
      // The lease runs out and the message is due again: nothing is lost.
      this.logger.error({ event_id: delivery.id, ...errorFields(error) }, `recording a ${label} attempt failed`);
    }
  }
}
