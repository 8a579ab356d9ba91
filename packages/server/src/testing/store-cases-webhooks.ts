import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { NewWebhookEvent, WebhookDelivery } from '../store/records.js';
import type { Store } from '../store/store.js';
import { LONG_LEASE_MS, SHORT_LEASE_MS, sleep } from './store-fixtures.js';
import type { StoreTest } from './store-fixtures.js';

function event(type = 'batch.completed'): NewWebhookEvent {
  const id = randomUUID();
  return { id, type, body: JSON.stringify({ id, type, data: { batch_id: randomUUID(), n: 1, text: 'Ünïcødé' } }) };
}

async function mustClaimWebhook(store: Store, leaseMs = LONG_LEASE_MS): Promise<WebhookDelivery> {
  const claimed = await store.claimWebhook({ leaseMs });
  assert.ok(claimed, 'expected a webhook event to be due');
  return claimed;
}

/** Registers the cases about the webhook outbox: durable events, one holder at a time, retries. */
export function webhookCases(test: StoreTest): void {
  test('an enqueued event is claimed with its body intact, held by one dispatcher, and gone once delivered', async (store) => {
    assert.equal(await store.claimWebhook({ leaseMs: LONG_LEASE_MS }), null, 'an empty outbox');
    const sent = event();
    const before = Date.now();
    await store.enqueueWebhook(sent);
    const held = await mustClaimWebhook(store);
    assert.deepEqual({ id: held.id, type: held.type, body: held.body, attempts: held.attempts }, { ...sent, attempts: 1 });
    assert.ok(held.created_at instanceof Date && Math.abs(held.created_at.getTime() - before) < 60_000);
    assert.ok(typeof held.token === 'string' && held.token.length > 0);
    assert.equal(await store.claimWebhook({ leaseMs: LONG_LEASE_MS }), null, 'a held event is not claimed twice');

    assert.equal(await store.settleWebhook(held.id, 'not-the-token', { status: 'delivered' }), false);
    assert.equal(await store.settleWebhook(held.id, held.token, { status: 'delivered' }), true);
    assert.equal(await store.settleWebhook(held.id, held.token, { status: 'delivered' }), false, 'a delivered event is gone');
    assert.equal(await store.claimWebhook({ leaseMs: 0 }), null);
  });

  test('a failed attempt makes the event due again after its delay, counting attempts', async (store) => {
    await store.enqueueWebhook(event());
    const first = await mustClaimWebhook(store);
    assert.equal(await store.settleWebhook(first.id, first.token, { status: 'retry', delayMs: 200, error: 'HTTP 503' }), true);
    assert.equal(await store.claimWebhook({ leaseMs: LONG_LEASE_MS }), null, 'not due yet');
    await sleep(300);
    const second = await mustClaimWebhook(store);
    assert.equal(second.id, first.id);
    assert.equal(second.attempts, 2);
    assert.notEqual(second.token, first.token);
    assert.equal(await store.settleWebhook(first.id, first.token, { status: 'delivered' }), false, 'the old token settles nothing');
  });

  test('a dead event is never sent again', async (store) => {
    await store.enqueueWebhook(event());
    const held = await mustClaimWebhook(store);
    assert.equal(await store.settleWebhook(held.id, held.token, { status: 'dead', error: 'HTTP 410' }), true);
    assert.equal(await store.claimWebhook({ leaseMs: 0 }), null);
    await sleep(20);
    assert.equal(await store.claimWebhook({ leaseMs: 0 }), null);
  });

  test('an event whose dispatcher died is due again when its lease runs out', async (store) => {
    await store.enqueueWebhook(event());
    const lost = await mustClaimWebhook(store, SHORT_LEASE_MS);
    await sleep(SHORT_LEASE_MS * 2);
    const again = await mustClaimWebhook(store);
    assert.equal(again.id, lost.id);
    assert.equal(again.attempts, 2);
    assert.equal(await store.settleWebhook(lost.id, lost.token, { status: 'retry', delayMs: 0, error: 'late' }), false);
    assert.equal(await store.settleWebhook(again.id, again.token, { status: 'delivered' }), true);
  });

  test('events are due oldest first, and concurrent dispatchers never get the same one', async (store) => {
    const sent: NewWebhookEvent[] = [];
    for (let i = 0; i < 3; i++) {
      sent.push(event(i === 1 ? 'file.failed' : 'batch.completed'));
      await store.enqueueWebhook(sent.at(-1)!);
      await sleep(3);
    }
    assert.deepEqual([(await mustClaimWebhook(store)).id, (await mustClaimWebhook(store)).id, (await mustClaimWebhook(store)).id], sent.map((e) => e.id));

    const many = Array.from({ length: 12 }, () => event());
    for (const e of many) await store.enqueueWebhook(e);
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claimWebhook({ leaseMs: LONG_LEASE_MS })));
    const won = claims.filter((c) => c !== null);
    assert.equal(won.length, 12);
    assert.deepEqual(new Set(won.map((c) => c.id)), new Set(many.map((e) => e.id)));
  });
}
