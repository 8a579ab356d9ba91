import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const dist = new URL('../dist/', import.meta.url).href;

/**
 * Runs in a fresh Node process (the built package): a module hook records every
 * nodemailer module loaded. The engine is made and started with email configured, then
 * an email is put in the outbox for a mail server that is not there.
 */
const script = `
import { register } from 'node:module';
import { existsSync, writeFileSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(\`
  import { appendFileSync } from 'node:fs';
  export async function load(url, context, next) {
    if (url.includes('/nodemailer/')) appendFileSync(process.env.LOADED_LOG, url + '\\\\n');
    return next(url, context);
  }
\`));
const { BatchEngine, LocalBlobStore, EMAIL_CHANNEL } = await import('${dist}index.js');
const { SqliteStore } = await import('${dist}stores/sqlite/index.js');
const dir = process.env.WORK_DIR;
const store = new SqliteStore({ path: dir + '/db.sqlite' });
await store.init();
const blobs = new LocalBlobStore({ dir: dir + '/blobs' });
await blobs.init();
const email = { smtpUrl: 'smtp://127.0.0.1:1', from: 'noreply@clinic.example', recipients: ['a@clinic.example'], pollIntervalMs: 20 };
const engine = new BatchEngine({ store, blobs, processor: async () => ({}), email });
await engine.start();
await new Promise((resolve) => setTimeout(resolve, 300));
const before = existsSync(process.env.LOADED_LOG);
await store.outbox.enqueue({ id: 'email:test', channel: EMAIL_CHANNEL, type: 'batch.finished',
  body: JSON.stringify({ from: { name: null, address: 'noreply@clinic.example' }, to: ['a@clinic.example'], subject: 's', text: 't', message_id: '<t@clinic.example>' }) });
for (let i = 0; i < 250 && !existsSync(process.env.LOADED_LOG); i++) await new Promise((resolve) => setTimeout(resolve, 20));
const after = existsSync(process.env.LOADED_LOG);
await engine.close();
await store.close();
writeFileSync(dir + '/result.json', JSON.stringify({ before, after }));
`;

describe('loading nodemailer', () => {
  it('happens at the first email, not when the package is imported or the engine made and started', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'email-loading-'));
    const log = join(dir, 'loaded.log');
    try {
      await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, LOADED_LOG: log, WORK_DIR: dir },
        timeout: 30_000,
      });
      const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as { before: boolean; after: boolean };
      assert.deepEqual(result, { before: false, after: true }, 'not loaded by import, construction or start; loaded to send the first email');
      assert.match(await readFile(log, 'utf8'), /\/nodemailer\/dist\/esm\/nodemailer\.js/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
