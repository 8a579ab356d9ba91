import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchEngine, isEmailAddress, type EmailOptions, type Store } from '../src/index.js';
import { LocalBlobStore } from '../src/stores/local/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';

const store = new SqliteStore({ path: ':memory:' });
const blobs = new LocalBlobStore({ dir: '/nonexistent/never-opened' });
const processor = async () => ({});
const good: EmailOptions = { smtpUrl: 'smtps://user:pass@smtp.clinic.example', from: 'noreply@clinic.example', recipients: ['manager@clinic.example'] };

/** Constructs an engine (never started) with these email options. */
function engineWith(email: Partial<EmailOptions> | Record<string, unknown>, onStore: Store = store): BatchEngine {
  return new BatchEngine({ store: onStore, blobs, processor, email: { ...good, ...email } as EmailOptions });
}

describe('email options', () => {
  it('accepts smtp:// and smtps:// URLs, a sender with or without a name, and a list or a function of recipients', () => {
    assert.ok(engineWith({}));
    assert.ok(engineWith({ smtpUrl: 'smtp://relay.internal:2525', from: 'Clinic uploads <noreply@clinic.example>' }));
    assert.ok(engineWith({ smtpUrl: 'smtp://user%40clinic.example:p%3Ass@[::1]:25', recipients: () => [] }));
    assert.ok(engineWith({ ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }));
  });

  it('refuses what cannot work, naming the option and never echoing the password', () => {
    const refused = (email: Record<string, unknown>, pattern: RegExp) => {
      assert.throws(
        () => engineWith(email),
        (error: unknown) => error instanceof Error && pattern.test(error.message) && !error.message.includes('s3cret'),
      );
    };
    refused({ smtpUrl: 'https://user:s3cret@smtp.clinic.example' }, /email\.smtpUrl.*smtp:\/\/ or smtps:\/\//);
    refused({ smtpUrl: 'smtp.clinic.example' }, /email\.smtpUrl/);
    refused({ smtpUrl: 'smtp://user:s3cret@smtp.clinic.example/path' }, /email\.smtpUrl.*no path/);
    refused({ smtpUrl: 'smtp://user:s3cret@smtp.clinic.example?requireTLS=false' }, /email\.smtpUrl.*no path, query/);
    refused({ smtpUrl: 'smtp://user@smtp.clinic.example' }, /email\.smtpUrl.*both a user and a password/);
    refused({ smtpUrl: 'smtp://user:%E0%A4%A@smtp.clinic.example' }, /email\.smtpUrl/);
    refused({ from: 'not an address' }, /email\.from/);
    refused({ from: 'Name <a@b.example>\r\nBcc: x@y.example' }, /email\.from/);
    refused({ recipients: [] }, /email\.recipients/);
    refused({ recipients: ['manager@clinic.example', 'nope'] }, /email\.recipients/);
    refused({ recipients: 'manager@clinic.example' }, /email\.recipients/);
    refused({ batchLink: 'https://portal.example' }, /email\.batchLink/);
    refused({ ca: 'not a certificate' }, /email\.ca/);
    refused({ timeoutMs: 0 }, /email\.timeoutMs/);
    refused({ backoff: { baseMs: -1, maxMs: 10 } }, /email\.backoff\.baseMs/);
  });

  it('needs a store with an outbox', () => {
    const withoutOutbox = {
      records: store.records,
      control: store.control,
      queue: store.queue,
      retention: store.retention,
      init: () => store.init(),
      close: () => store.close(),
    } as Store;
    assert.throws(() => engineWith({}, withoutOutbox), /"email" needs a store with an outbox/);
  });

  it('takes plain mailbox addresses only', () => {
    for (const address of ['a@b.example', 'first.last+tag@sub.clinic.example', "o'brien@clinic.example"]) assert.ok(isEmailAddress(address), address);
    for (const address of [
      '',
      'a@b',
      '@b.example',
      'a@',
      'a b@c.example',
      'a@b.example\r\n',
      '.a@b.example',
      'a..b@c.example',
      'a.@b.example',
      '<a@b.example>',
      'a@-b.example',
    ]) {
      assert.ok(!isEmailAddress(address), JSON.stringify(address));
    }
  });
});
