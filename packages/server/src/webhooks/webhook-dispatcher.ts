import { WEBHOOK_HEADERS } from '@batch-uploader/protocol';
import { backoffDelay } from '../shared/backoff.js';
import { errorFields, type Logger } from '../logger.js';
import { WEBHOOK_CHANNEL, type DeliveryOutcome, type Outbox, type OutboxDelivery } from '../store/outbox.js';
import type { ResolvedWebhookOptions } from './webhook-options.js';
import { signWebhook } from './webhook-signature.js';

/** Extra lease time beyond the request timeout, so a slow attempt never overlaps a retry. */
const LEASE_MARGIN_MS = 5_000;

/**
 * Delivers the webhook events of the store's outbox, one at a time, in its own loop:
 * processing never waits for a receiver. An attempt that fails (a non-2xx answer, a
 * timeout, a network error) is retried with exponential backoff until `maxAttempts`,
 * then the event is kept as dead. Every process sharing the store may run one; the
 * outbox's leases let only one of them hold an event at a time (at-least-once delivery:
 * receivers drop repeats by event id).
 */
export class WebhookDispatcher {
  #state: 'new' | 'running' | 'closing' | 'closed' = 'new';
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #inflight: AbortController | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly options: ResolvedWebhookOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts the delivery loop. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.#loop = this.#run();
  }

  /** Tells an idle loop that an event was enqueued. */
  wake(): void {
    this.#wake?.();
  }

  /** Stops the loop; an attempt in flight is interrupted and the event stays due. */
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
    const { leaseMs, pollIntervalMs } = { leaseMs: this.options.timeoutMs + LEASE_MARGIN_MS, pollIntervalMs: this.options.pollIntervalMs };
    while (this.#state === 'running') {
      let delivery: OutboxDelivery | null = null;
      try {
        delivery = await this.outbox.claim({ channel: WEBHOOK_CHANNEL, leaseMs });
      } catch (error) {
        this.logger.error({ ...errorFields(error) }, 'claiming a webhook event failed');
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
    const { url, secret, timeoutMs, headers, maxAttempts, backoff } = this.options;
    const controller = new AbortController();
    this.#inflight = controller;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let failure: string | null = null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: delivery.body,
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          'User-Agent': 'batch-uploader-webhooks',
          [WEBHOOK_HEADERS.event]: delivery.type,
          [WEBHOOK_HEADERS.delivery]: delivery.id,
          // Signed per attempt, so the timestamp of a retry is fresh.
          [WEBHOOK_HEADERS.signature]: signWebhook(secret, delivery.body),
        },
      });
      // The answer's body is not read: a receiver's text is no business of this server.
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) failure = `HTTP ${response.status}`;
    } catch {
      failure = this.#state !== 'running' ? 'shutdown' : controller.signal.aborted ? 'timeout' : 'network error';
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
    if (outcome.status === 'delivered') this.logger.debug(fields, 'webhook delivered');
    else if (outcome.status === 'dead') this.logger.error({ ...fields, error: failure }, 'webhook given up after its last attempt');
    else if (failure !== 'shutdown') this.logger.warn({ ...fields, error: failure, retry_in_ms: outcome.delayMs }, 'webhook delivery failed; it will be retried');
    try {
      await this.outbox.settle(delivery.id, delivery.token, outcome);
    } catch (error) {
      // The lease runs out and the event is due again: nothing is lost.
      this.logger.error({ event_id: delivery.id, ...errorFields(error) }, 'recording a webhook attempt failed');
    }
  }
}
