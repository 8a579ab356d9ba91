/**
 * A message to deliver, as the outbox keeps it. The outbox does not read `type` or
 * `body`: it keeps them for whoever delivers the messages of `channel`.
 */
export interface NewOutboxMessage {
  /**
   * Message id: unique across channels, and what receivers use to drop repeats. A
   * message whose id the outbox still holds is not stored again, so processes that
   * derive the id from what they report (e.g. one notice per batch) and enqueue it at
   * the same time store it once.
   */
  id: string;
  /** Which kind of delivery takes it, e.g. {@link WEBHOOK_CHANNEL}; claims name one channel. */
  channel: string;
  /** What the message reports, e.g. `batch.completed`. */
  type: string;
  /** The payload, exactly as it will be sent (for webhooks, the JSON body that is signed). */
  body: string;
}

/** A message a sender holds for one delivery attempt: only the holder of `token` may settle it. */
export interface OutboxDelivery {
  id: string;
  channel: string;
  type: string;
  body: string;
  /** Attempts made, this one included. */
  attempts: number;
  created_at: Date;
  token: string;
}

/** How a delivery attempt ended. */
export type DeliveryOutcome =
  | { status: 'delivered' }
  /** Due again after `delayMs`; `error` says why this attempt failed (e.g. "HTTP 503", "timeout"). */
  | { status: 'retry'; delayMs: number; error: string }
  /** Given up: kept in the outbox for inspection, never sent again. */
  | { status: 'dead'; error: string };

/** The channel of webhook events. */
export const WEBHOOK_CHANNEL = 'webhook';

/**
 * A durable outbox of messages to deliver, shared by every process on the store: a
 * change is recorded first and delivered later by a sender's own loop, so processing
 * never waits for a receiver and a restart loses no pending delivery. Messages are
 * sorted into channels (webhooks, emails, and any other kind of delivery), each claimed by its
 * own sender. An optional capability of a `Store`: without it the engine sends no webhooks or emails.
 */
export interface Outbox {
  /**
   * Records a message, due at once; false (and no write) when a message with its id is
   * already held (pending, in delivery or dead). Durable like the batches.
   */
  enqueue(message: NewOutboxMessage): Promise<boolean>;
  /**
   * Atomically takes the oldest due message of `channel` (pending, its due time passed),
   * counting an attempt and holding it under a fresh token for `leaseMs`: it is due again
   * when the lease runs out, so a sender that dies loses nothing. Null when nothing is due.
   */
  claim(input: { channel: string; leaseMs: number }): Promise<OutboxDelivery | null>;
  /**
   * Ends a delivery attempt: `delivered` removes the message, `retry` makes it due after
   * `delayMs`, `dead` keeps it, never to be sent again. False (and no write) when `token`
   * no longer holds the message.
   */
  settle(id: string, token: string, outcome: DeliveryOutcome): Promise<boolean>;
}
