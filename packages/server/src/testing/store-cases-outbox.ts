import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WEBHOOK_CHANNEL, type NewOutboxMessage, type Outbox, type OutboxDelivery } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import { LONG_LEASE_MS, SHORT_LEASE_MS, sleep } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

const EMAIL = 'email';

function event(type = 'batch.completed', channel = WEBHOOK_CHANNEL): NewOutboxMessage {
  const id = randomUUID();
  return { id, channel, type, body: JSON.stringify({ id, type, data: { batch_id: randomUUID(), n: 1, text: 'Ünïcødé' } }) };
}

/** The store's outbox; the test fails when it has none. */
function outboxOf(store: Store): Outbox {
  assert.ok(store.outbox, 'the store has an outbox');
  return store.outbox;
}

async function mustClaimWebhook(store: Store, leaseMs = LONG_LEASE_MS, channel = WEBHOOK_CHANNEL): Promise<OutboxDelivery> {
  const claimed = await outboxOf(store).claim({ channel, leaseMs });
  assert.ok(claimed, `expected a message of ${channel} to be due`);
  return claimed;
}

/** Registers the cases about the outbox: durable messages, one holder at a time, retries, channels. */
export function outboxCases(test: StoreTest): void {
  test('an enqueued event is claimed with its body intact, held by one dispatcher, and gone once delivered', async (store) => {
    assert.equal(await outboxOf(store).claim({ channel: WEBHOOK_CHANNEL, leaseMs: LONG_LEASE_MS }), null, 'an empty outbox');
    const sent = event();
    const before = Date.now();
    await outboxOf(store).enqueue(sent);
    const held = await mustClaimWebhook(store);
    assert.deepEqual({ id: held.id, channel: held.channel, type: held.type, body: held.body, attempts: held.attempts }, { ...sent, attempts: 1 });
    assert.ok(held.created_at instanceof Date && Math.abs(held.created_at.getTime() - before) < 60_000);
    assert.ok(typeof held.token === 'string' && held.token.length > 0);
    assert.equal(await outboxOf(store).claim({ channel: WEBHOOK_CHANNEL, leaseMs: LONG_LEASE_MS }), null, 'a held event is not claimed twice');

    assert.equal(await outboxOf(store).settle(held.id, 'not-the-token', { status: 'delivered' }), false);
    assert.equal(await outboxOf(store).settle(held.id, held.token, { status: 'delivered' }), true);
    assert.equal(await outboxOf(store).settle(held.id, held.token, { status: 'delivered' }), false, 'a delivered event is gone');
    assert.equal(await outboxOf(store).claim({ channel: WEBHOOK_CHANNEL, leaseMs: 0 }), null);
  });

  test('a failed attempt makes the event due again after its delay, counting attempts', async (store) => {
    await outboxOf(store).enqueue(event());
    const first = await mustClaimWebhook(store);
    assert.equal(await outboxOf(store).settle(first.id, first.token, { status: 'retry', delayMs: 200, error: 'HTTP 503' }), true);
    assert.equal(await outboxOf(store).claim({ channel: WEBHOOK_CHANNEL, leaseMs: LONG_LEASE_MS }), null, 'not due yet');
    await sleep(300);
    const second = await mustClaimWebhook(store);
    assert.equal(second.id, first.id);
    assert.equal(second.attempts, 2);
    assert.notEqual(second.token, first.token);
    assert.equal(await outboxOf(store).settle(first.id, first.token, { status: 'delivered' }), false, 'the old token settles nothing');
  });

  test('a dead event is never sent again', async (store) => {
    await outboxOf(store).enqueue(event());
    const held = await mustClaimWebhook(store);
    assert.equal(await outboxOf(store).settle(held.id, held.token, { status: 'dead', error: 'HTTP 410' }), true);
    assert.equal(await outboxOf(store).claim({ channel: WEBHOOK_CHANNEL, leaseMs: 0 }), null);
    await sleep(20);
    assert.equal(await outboxOf(store).claim({ channel: WEBHOOK_CHANNEL, leaseMs: 0 }), null);
  });

  test('an event whose dispatcher died is due again when its lease runs out', async (store) => {
    await outboxOf(store).enqueue(event());
    const lost = await mustClaimWebhook(store, SHORT_LEASE_MS);
    await sleep(SHORT_LEASE_MS * 2);
    const again = await mustClaimWebhook(store);
    assert.equal(again.id, lost.id);
    assert.equal(again.attempts, 2);
    assert.equal(await outboxOf(store).settle(lost.id, lost.token, { status: 'retry', delayMs: 0, error: 'late' }), false);
    assert.equal(await outboxOf(store).settle(again.id, again.token, { status: 'delivered' }), true);
  });

  test('events are due oldest first, and concurrent dispatchers never get the same one', async (store) => {
    const sent: NewOutboxMessage[] = [];
    for (let i = 0; i < 3; i++) {
      sent.push(event(i === 1 ? 'file.failed' : 'batch.completed'));
      await outboxOf(store).enqueue(sent.at(-1)!);
      await sleep(3);
    }
    assert.deepEqual(
      [(await mustClaimWebhook(store)).id, (await mustClaimWebhook(store)).id, (await mustClaimWebhook(store)).id],
      sent.map((e) => e.id),
    );

    const many = Array.from({ length: 12 }, () => event());
    for (const e of many) await outboxOf(store).enqueue(e);
    const claims = await Promise.all(Array.from({ length: 20 }, () => outboxOf(store).claim({ channel: WEBHOOK_CHANNEL, leaseMs: LONG_LEASE_MS })));
    const won = claims.filter((c) => c !== null);
    assert.equal(won.length, 12);
    assert.deepEqual(new Set(won.map((c) => c.id)), new Set(many.map((e) => e.id)));
  });

  test('a claim takes only messages of its channel, and each channel keeps its own order', async (store) => {
    const outbox = outboxOf(store);
    const mail = event('batch.completed', EMAIL);
    const hook = event();
    assert.equal(await outbox.enqueue(mail), true);
    await sleep(3);
    assert.equal(await outbox.enqueue(hook), true);
    const webhook = await mustClaimWebhook(store);
    assert.deepEqual([webhook.id, webhook.channel], [hook.id, WEBHOOK_CHANNEL], 'the older message of another channel is not taken');
    assert.equal(await outbox.claim({ channel: WEBHOOK_CHANNEL, leaseMs: LONG_LEASE_MS }), null);
    const email = await mustClaimWebhook(store, LONG_LEASE_MS, EMAIL);
    assert.deepEqual({ id: email.id, channel: email.channel, type: email.type, body: email.body }, mail);
    assert.equal(await outbox.claim({ channel: EMAIL, leaseMs: LONG_LEASE_MS }), null);
    assert.equal(await outbox.claim({ channel: 'sms', leaseMs: LONG_LEASE_MS }), null, 'a channel nobody wrote to is empty');
    assert.equal(await outbox.settle(email.id, email.token, { status: 'delivered' }), true);
    assert.equal(await outbox.settle(webhook.id, webhook.token, { status: 'delivered' }), true);
  });

  test('a message whose id is held is stored once, however many processes enqueue it at once', async (store) => {
    const outbox = outboxOf(store);
    const notice = event('batch.completed', EMAIL);
    const stored = await Promise.all(Array.from({ length: 4 }, () => outbox.enqueue({ ...notice })));
    assert.deepEqual(stored.filter(Boolean).length, 1, 'one enqueue stores it');
    const held = await mustClaimWebhook(store, LONG_LEASE_MS, EMAIL);
    assert.equal(held.id, notice.id);
    assert.equal(await outbox.enqueue({ ...notice, body: 'another body' }), false, 'not while it is in delivery');
    assert.equal(await outbox.settle(held.id, held.token, { status: 'dead', error: 'bounced' }), true);
    assert.equal(await outbox.enqueue(notice), false, 'nor once it is dead');
    assert.equal(await outbox.claim({ channel: EMAIL, leaseMs: 0 }), null);
  });
}
