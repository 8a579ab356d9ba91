import { randomUUID } from 'node:crypto';
import type { DeliveryOutcome, NewOutboxMessage, Outbox, OutboxDelivery } from '../../store/outbox.js';
import { mongoDriver } from './mongo-driver.js';
import { duration, type MongoStoreContext } from './mongo-store-context.js';

const DUPLICATE_KEY = 11000;

/** A message as the outbox keeps it. */
export interface OutboxDoc {
  _id: string;
  /** Which sender takes it (absent on webhook events stored before channels existed; `init()` fills it in). */
  channel: string;
  type: string;
  /** The payload, exactly as sent (for webhooks, the signed JSON body). */
  body: string;
  status: 'pending' | 'dead';
  attempts: number;
  created_at: Date;
  /** When the message is due; while a sender holds it, the end of its lease. */
  next_attempt_at: Date;
  lease_token: string | null;
  last_error: string | null;
}

/**
 * The outbox of the MongoDB store: one document per message. A claim is one atomic
 * `findOneAndUpdate` that moves the due time to the end of the lease, so every instance
 * sharing the database may send and a message is held by one at a time. An enqueue is an
 * upsert on the message id, so of several instances enqueuing one message, one stores it.
 */
export class MongoOutbox implements Outbox {
  constructor(private readonly context: MongoStoreContext) {}

  async enqueue(message: NewOutboxMessage): Promise<boolean> {
    const { outbox } = this.context.collections;
    const now = await this.context.now();
    const stored: OutboxDoc = {
      _id: message.id,
      channel: message.channel,
      type: message.type,
      body: message.body,
      status: 'pending',
      attempts: 0,
      created_at: now,
      next_attempt_at: now,
      lease_token: null,
      last_error: null,
    };
    const { _id, ...fields } = stored;
    try {
      return (await outbox.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true })).upsertedCount === 1;
    } catch (error) {
      // Two upserts racing on one id: the loser's insert hits the unique _id (a server may retry it itself).
      if (error instanceof mongoDriver.MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async claim(input: { channel: string; leaseMs: number }): Promise<OutboxDelivery | null> {
    const leaseMs = duration('leaseMs', input.leaseMs);
    const { outbox } = this.context.collections;
    const now = this.context.nowExpr();
    const token = randomUUID();
    const doc = await outbox.findOneAndUpdate(
      { channel: input.channel, status: 'pending', $expr: { $lte: ['$next_attempt_at', now] } },
      [{ $set: { attempts: { $add: ['$attempts', 1] }, lease_token: { $literal: token }, next_attempt_at: { $add: [now, leaseMs] } } }],
      { sort: { next_attempt_at: 1, created_at: 1, _id: 1 }, returnDocument: 'after' },
    );
    if (!doc) return null;
    return { id: doc._id, channel: doc.channel, type: doc.type, body: doc.body, attempts: doc.attempts, created_at: doc.created_at, token };
  }

  async settle(id: string, token: string, outcome: DeliveryOutcome): Promise<boolean> {
    if (outcome.status === 'retry') duration('delayMs', outcome.delayMs);
    const { outbox } = this.context.collections;
    // The token in the filter keeps a sender whose lease ran out from writing.
    const held = { _id: id, lease_token: token, status: 'pending' as const };
    switch (outcome.status) {
      case 'delivered':
        return (await outbox.deleteOne(held)).deletedCount === 1;
      case 'retry': {
        const due = { $add: [this.context.nowExpr(), outcome.delayMs] };
        const update = [{ $set: { next_attempt_at: due, lease_token: null, last_error: { $literal: outcome.error.slice(0, 200) } } }];
        return (await outbox.updateOne(held, update)).matchedCount === 1;
      }
      case 'dead': {
        const update = { $set: { status: 'dead' as const, lease_token: null, last_error: outcome.error.slice(0, 200) } };
        return (await outbox.updateOne(held, update)).matchedCount === 1;
      }
    }
  }
}
