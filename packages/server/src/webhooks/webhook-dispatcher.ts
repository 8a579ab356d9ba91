import { WEBHOOK_HEADERS } from '@batch-uploader/protocol';
import { DeliveryFailure, OutboxSender } from '../delivery/outbox-sender.js';
import type { Logger } from '../logger.js';
import { WEBHOOK_CHANNEL, type Outbox, type OutboxDelivery } from '../store/outbox.js';
import type { ResolvedWebhookOptions } from './webhook-options.js';
import { signWebhook } from './webhook-signature.js';

/**
 * Delivers the webhook events of the store's outbox in its own loop (an
 * {@link OutboxSender} on the `webhook` channel): processing never waits for a receiver.
 * A non-2xx answer, a timeout or a network error is retried with exponential backoff
 * until `maxAttempts`, then the event is kept as dead. At-least-once: receivers drop
 * repeats by event id.
 */
export class WebhookDispatcher extends OutboxSender {
  constructor(outbox: Outbox, options: ResolvedWebhookOptions, logger: Logger) {
    super(
      outbox,
      {
        channel: WEBHOOK_CHANNEL,
        label: 'webhook',
        send: (delivery, signal) => postWebhook(options, delivery, signal),
        timeoutMs: options.timeoutMs,
        maxAttempts: options.maxAttempts,
        backoff: options.backoff,
        pollIntervalMs: options.pollIntervalMs,
      },
      logger,
    );
  }
}

/** One POST of an event to the receiver; rejects unless it answers 2xx. */
async function postWebhook(options: ResolvedWebhookOptions, delivery: OutboxDelivery, signal: AbortSignal): Promise<void> {
  const { url, secret, headers } = options;
  const response = await fetch(url, {
    method: 'POST',
    body: delivery.body,
    redirect: 'manual',
    signal,
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
  if (response.status < 200 || response.status >= 300) throw new DeliveryFailure(`HTTP ${response.status}`);
}
