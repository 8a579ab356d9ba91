import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { NewWebhookEvent, WebhookDelivery, WebhookOutcome } from '../../store/records.js';

/** A webhook event as the outbox keeps it. */
export interface WebhookDoc {
  _id: string;
  type: string;
  /** The JSON body, exactly as sent and signed. */
  body: string;
  status: 'pending' | 'dead';
  attempts: number;
  created_at: Date;
  /** When the event is due; while a dispatcher holds it, the end of its lease. */
  next_attempt_at: Date;
  lease_token: string | null;
  last_error: string | null;
}

const NOW = '$$NOW';

/**
 * The webhook outbox of the MongoDB store: one document per event. A claim is one
 * atomic `findOneAndUpdate` that moves the due time to the end of the lease, so every
 * instance sharing the database may dispatch and an event is held by one at a time.
 */
export class MongoWebhookOutbox {
  constructor(
    private readonly webhooks: Collection<WebhookDoc>,
    private readonly serverNow: () => Promise<Date>,
  ) {}

  async enqueue(event: NewWebhookEvent): Promise<void> {
    const now = await this.serverNow();
    await this.webhooks.insertOne({
      _id: event.id,
      type: event.type,
      body: event.body,
      status: 'pending',
      attempts: 0,
      created_at: now,
      next_attempt_at: now,
      lease_token: null,
      last_error: null,
    });
  }

  async claim(leaseMs: number): Promise<WebhookDelivery | null> {
    const token = randomUUID();
    const doc = await this.webhooks.findOneAndUpdate(
      { status: 'pending', $expr: { $lte: ['$next_attempt_at', NOW] } },
      [{ $set: { attempts: { $add: ['$attempts', 1] }, lease_token: { $literal: token }, next_attempt_at: { $add: [NOW, leaseMs] } } }],
      { sort: { next_attempt_at: 1, created_at: 1, _id: 1 }, returnDocument: 'after' },
    );
    if (!doc) return null;
    return { id: doc._id, type: doc.type, body: doc.body, attempts: doc.attempts, created_at: doc.created_at, token };
  }

  async settle(id: string, token: string, outcome: WebhookOutcome): Promise<boolean> {
    // The token in the filter keeps a dispatcher whose lease ran out from writing.
    const held = { _id: id, lease_token: token, status: 'pending' as const };
    switch (outcome.status) {
      case 'delivered':
        return (await this.webhooks.deleteOne(held)).deletedCount === 1;
      case 'retry': {
        const update = [{ $set: { next_attempt_at: { $add: [NOW, outcome.delayMs] }, lease_token: null, last_error: { $literal: outcome.error.slice(0, 200) } } }];
        return (await this.webhooks.updateOne(held, update)).matchedCount === 1;
      }
      case 'dead': {
        const update = { $set: { status: 'dead' as const, lease_token: null, last_error: outcome.error.slice(0, 200) } };
        return (await this.webhooks.updateOne(held, update)).matchedCount === 1;
      }
    }
  }
}
