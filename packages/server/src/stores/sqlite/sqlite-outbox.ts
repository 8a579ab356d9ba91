import { randomUUID } from 'node:crypto';
import type { DeliveryOutcome, NewOutboxMessage, Outbox, OutboxDelivery } from '../../store/outbox.js';
import { duration, type SqliteConnection } from './sqlite-connection.js';

interface OutboxRow {
  id: string;
  channel: string;
  type: string;
  body: string;
  attempts: number;
  created_at: number;
}

/**
 * The outbox of the SQLite store: one row per message. A claimed message's due time
 * moves to the end of its lease, and the lease token guards the settle, so a message is
 * held by one sender at a time and one that dies only delays it.
 */
export class SqliteOutbox implements Outbox {
  constructor(private readonly db: SqliteConnection) {}

  async enqueue(message: NewOutboxMessage): Promise<boolean> {
    const now = this.db.now();
    const info = this.db
      .sql(
        `INSERT INTO outbox (id, channel, type, body, status, created_at, next_attempt_at)
         VALUES (@id, @channel, @type, @body, 'pending', @now, @now)
         ON CONFLICT (id) DO NOTHING`,
      )
      .run({ id: message.id, channel: message.channel, type: message.type, body: message.body, now });
    return info.changes === 1;
  }

  async claim(input: { channel: string; leaseMs: number }): Promise<OutboxDelivery | null> {
    const leaseMs = duration('leaseMs', input.leaseMs);
    const { db } = this;
    return db.write(() => {
      const now = db.now();
      const token = randomUUID();
      const row = db
        .sql(
          `UPDATE outbox SET attempts = attempts + 1, lease_token = @token, next_attempt_at = @now + @leaseMs
           WHERE id = (SELECT id FROM outbox WHERE channel = @channel AND status = 'pending' AND next_attempt_at <= @now
                       ORDER BY next_attempt_at, created_at, id LIMIT 1)
           RETURNING id, channel, type, body, attempts, created_at`,
        )
        .get({ token, now, leaseMs, channel: input.channel }) as OutboxRow | undefined;
      return row ? { ...row, created_at: new Date(row.created_at), token } : null;
    });
  }

  async settle(id: string, token: string, outcome: DeliveryOutcome): Promise<boolean> {
    const { db } = this;
    const held = { id, token };
    switch (outcome.status) {
      case 'delivered':
        return db.sql(`DELETE FROM outbox WHERE id = @id AND lease_token = @token AND status = 'pending'`).run(held).changes === 1;
      case 'retry':
        return (
          db
            .sql(
              `UPDATE outbox SET next_attempt_at = @at, lease_token = NULL, last_error = @error
               WHERE id = @id AND lease_token = @token AND status = 'pending'`,
            )
            .run({ ...held, at: db.now() + duration('delayMs', outcome.delayMs), error: outcome.error.slice(0, 200) }).changes === 1
        );
      case 'dead':
        return (
          db
            .sql(
              `UPDATE outbox SET status = 'dead', lease_token = NULL, last_error = @error
               WHERE id = @id AND lease_token = @token AND status = 'pending'`,
            )
            .run({ ...held, error: outcome.error.slice(0, 200) }).changes === 1
        );
    }
  }
}
