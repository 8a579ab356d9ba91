import { randomUUID } from 'node:crypto';
import type { NewWebhookEvent, WebhookDelivery, WebhookOutcome } from '../../store/records.js';
import { duration, type SqliteConnection } from './sqlite-connection.js';

interface OutboxRow {
  id: string;
  type: string;
  body: string;
  attempts: number;
  created_at: number;
}

/**
 * The webhook outbox of the SQLite store. A claimed event's due time moves to the end
 * of its lease, and the lease token guards the settle, so an event is held by one
 * dispatcher at a time and one that dies only delays it.
 */
export class SqliteWebhookOutbox {
  constructor(private readonly db: SqliteConnection) {}

  enqueue(event: NewWebhookEvent): void {
    const now = this.db.now();
    this.db
      .sql(
        `INSERT INTO webhook_outbox (id, type, body, status, created_at, next_attempt_at)
         VALUES (@id, @type, @body, 'pending', @now, @now)`,
      )
      .run({ id: event.id, type: event.type, body: event.body, now });
  }

  claim(input: { leaseMs: number }): WebhookDelivery | null {
    const leaseMs = duration('leaseMs', input.leaseMs);
    const { db } = this;
    return db.write(() => {
      const now = db.now();
      const token = randomUUID();
      const row = db
        .sql(
          `UPDATE webhook_outbox SET attempts = attempts + 1, lease_token = @token, next_attempt_at = @now + @leaseMs
           WHERE id = (SELECT id FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= @now
                       ORDER BY next_attempt_at, created_at, id LIMIT 1)
           RETURNING id, type, body, attempts, created_at`,
        )
        .get({ token, now, leaseMs }) as OutboxRow | undefined;
      return row ? { ...row, created_at: new Date(row.created_at), token } : null;
    });
  }

  settle(id: string, token: string, outcome: WebhookOutcome): boolean {
    const { db } = this;
    const held = { id, token };
    switch (outcome.status) {
      case 'delivered':
        return db.sql(`DELETE FROM webhook_outbox WHERE id = @id AND lease_token = @token AND status = 'pending'`).run(held).changes === 1;
      case 'retry':
        return (
          db
            .sql(
              `UPDATE webhook_outbox SET next_attempt_at = @at, lease_token = NULL, last_error = @error
               WHERE id = @id AND lease_token = @token AND status = 'pending'`,
            )
            .run({ ...held, at: db.now() + duration('delayMs', outcome.delayMs), error: outcome.error.slice(0, 200) }).changes === 1
        );
      case 'dead':
        return (
          db
            .sql(
              `UPDATE webhook_outbox SET status = 'dead', lease_token = NULL, last_error = @error
               WHERE id = @id AND lease_token = @token AND status = 'pending'`,
            )
            .run({ ...held, error: outcome.error.slice(0, 200) }).changes === 1
        );
    }
  }
}
