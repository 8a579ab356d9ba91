import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signWebhook, verifyWebhookSignature } from '../src/index.js';

const SECRET = 'whsec-0123456789abcdef';
const BODY = '{"id":"e1","type":"batch.completed","data":{"n":1}}';

describe('webhook signatures', () => {
  it('a signature verifies for its body and secret only', () => {
    const header = signWebhook(SECRET, BODY, 1_700_000_000);
    assert.match(header, /^t=1700000000,v1=[0-9a-f]{64}$/);
    assert.ok(verifyWebhookSignature(SECRET, BODY, header, { nowSeconds: 1_700_000_010 }));
    assert.ok(!verifyWebhookSignature(SECRET, BODY + ' ', header, { nowSeconds: 1_700_000_010 }), 'a changed body');
    assert.ok(!verifyWebhookSignature('another-secret-0123', BODY, header, { nowSeconds: 1_700_000_010 }), 'another secret');
    assert.ok(!verifyWebhookSignature(SECRET, BODY, header.replace('t=1700000000', 't=1700000001'), { nowSeconds: 1_700_000_010 }), 'a changed time');
  });

  it('an old or future timestamp is refused (replays), a malformed header too', () => {
    const header = signWebhook(SECRET, BODY, 1_700_000_000);
    assert.ok(!verifyWebhookSignature(SECRET, BODY, header, { nowSeconds: 1_700_000_301 }));
    assert.ok(!verifyWebhookSignature(SECRET, BODY, header, { nowSeconds: 1_699_999_699 }));
    assert.ok(verifyWebhookSignature(SECRET, BODY, header, { nowSeconds: 1_700_000_600, toleranceSeconds: 900 }));
    for (const bad of [undefined, null, '', 'v1=abc', 't=x,v1=00', `t=1700000000,v1=${'0'.repeat(64)}`]) {
      assert.ok(!verifyWebhookSignature(SECRET, BODY, bad, { nowSeconds: 1_700_000_000 }), String(bad));
    }
  });

  it('a header may carry several v1 signatures (while a secret is being rotated)', () => {
    const current = signWebhook(SECRET, BODY, 1_700_000_000);
    const old = signWebhook('previous-secret-0123456', BODY, 1_700_000_000).split(',')[1];
    assert.ok(verifyWebhookSignature(SECRET, BODY, `${current},${old}`, { nowSeconds: 1_700_000_000 }));
  });
});
