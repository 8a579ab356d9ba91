import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { FILE_ERRORS } from '@batch-uploader/protocol';
import { BatchEngine, PermanentError, type BatchEngineOptions, type BlobStore, type EmailOptions, type Processor, type Store } from '../src/index.js';
import { LocalBlobStore } from '../src/stores/local/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { MongoStore } from '../src/stores/mongodb/index.js';
import { freshDbName, mongoTarget, type MongoTarget } from '@batch-uploader/test-support/mongo-target';
import { startSmtpServer, testCertificate, type SmtpTestServer } from '@batch-uploader/test-support/smtp-test-server';
import { waitFor as until } from '@batch-uploader/test-support/wait';

const MANAGERS = ['manager@clinic.example', 'deputy@clinic.example'];
/** Short retries, so a refused or unreachable server is tried again within a test. */
const FAST = { backoff: { baseMs: 100, maxMs: 400 }, pollIntervalMs: 50, timeoutMs: 3_000 } satisfies Partial<EmailOptions>;

let dir = '';
let certificate: { key: string; cert: string };
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'email-test-'));
  certificate = await testCertificate();
});
after(() => rm(dir, { recursive: true, force: true }));

/** A fresh SQLite store and blob folder, opened; `close` closes both. */
async function openSqlite(name = randomUUID()): Promise<{ store: Store; blobs: BlobStore; close(): Promise<void> }> {
  const store = new SqliteStore({ path: join(dir, `${name}.sqlite`) });
  await store.init();
  const blobs = new LocalBlobStore({ dir: join(dir, `${name}-blobs`) });
  await blobs.init();
  return { store, blobs, close: async () => (await store.close(), await blobs.close()) };
}

/** Records a batch the way the upload route does, with these filenames and ids. */
async function makeBatch(
  stores: { store: Store; blobs: BlobStore },
  filenames: string[],
  ids: { workspace?: string; patient_id?: string | null; template_id?: string | null; encounter_id?: string | null } = {},
): Promise<{ workspace: string; batchId: string }> {
  const workspace = ids.workspace ?? `ws-${randomUUID()}`;
  const batchId = randomUUID();
  const files = [];
  for (const [position, filename] of filenames.entries()) {
    const id = randomUUID();
    const temp = join(dir, `${id}.tmp`);
    await writeFile(temp, `content of ${filename}`);
    await stores.blobs.putFile(id, temp);
    files.push({
      id,
      position,
      filename,
      size: 10,
      declared_type: null,
      detected_type: 'application/pdf',
      blob_key: id,
      status: 'pending' as const,
      error: null,
    });
  }
  await stores.store.records.createBatch(
    {
      id: batchId,
      workspace_id: workspace,
      priority: 'normal',
      patient_id: ids.patient_id ?? null,
      template_id: ids.template_id ?? null,
      encounter_id: ids.encounter_id ?? null,
    },
    files,
  );
  return { workspace, batchId };
}

async function untilFinished(store: Store, workspace: string, batchId: string, timeoutMs = 10_000) {
  return until(async () => {
    const found = await store.records.getBatch(workspace, batchId);
    return found?.batch.finished_at ? found : null;
  }, timeoutMs);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Completes every file but those whose name says how to fail. */
const processor: Processor = async (file) => {
  if (file.filename.includes('damaged')) throw new PermanentError('CORRUPT_FILE', FILE_ERRORS.CORRUPT_FILE);
  if (file.filename.includes('unknown')) throw new PermanentError('NO_MATCHING_RECORD', 'No record for Jane Doe born 1970-01-01 in the EHR.');
  return { pages: 1, text: `text read from ${file.filename}` };
};

async function withEngine<T>(
  options: Partial<BatchEngineOptions> & { store: Store; blobs: BlobStore; email: EmailOptions },
  work: (engine: BatchEngine) => Promise<T>,
): Promise<T> {
  const engine = new BatchEngine({ processor, leaseMs: 1_000, pollIntervalMs: 20, ...options });
  await engine.start();
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

describe('batch emails over SMTP', () => {
  it("emails a finished batch once, over STARTTLS with a login, to the workspace's recipients: outcome, counts and reasons, and no patient data", async () => {
    const smtp = await startSmtpServer({ tls: certificate, auth: { user: 'mailer@clinic.example', pass: 's3cret/pass:word' } });
    const stores = await openSqlite();
    try {
      const phi = {
        patient_id: 'NHS-943-476-5919',
        template_id: 'tmpl-oncology-referral',
        encounter_id: 'enc-2026-05-01-0001',
      };
      const names = ['Jane_Doe_1970-01-01_NHS_9434765919.pdf', 'Doe_J_bloods_damaged.pdf', 'John_Smith_unknown_referral.pdf'];
      const { workspace, batchId } = await makeBatch(stores, names, phi);
      const other = await makeBatch(stores, ['nobody.pdf']);
      const asked: string[] = [];
      const email: EmailOptions = {
        ...FAST,
        smtpUrl: smtp.url(`${encodeURIComponent('mailer@clinic.example')}:${encodeURIComponent('s3cret/pass:word')}`),
        ca: certificate.cert,
        from: 'Batch uploads <noreply@clinic.example>',
        recipients: ({ workspace_id }) => {
          asked.push(workspace_id);
          return workspace_id === workspace ? [...MANAGERS, MANAGERS[0]!] : [];
        },
        batchLink: ({ batch_id }) => `https://portal.clinic.example/uploads#batch=${batch_id}`,
      };
      const found = await withEngine({ ...stores, email }, async () => {
        const done = await untilFinished(stores.store, workspace, batchId);
        await untilFinished(stores.store, other.workspace, other.batchId);
        await until(() => smtp.received.length >= 1);
        await pause(500);
        return done;
      });

      assert.equal(smtp.received.length, 1, 'one email: none for the workspace without recipients');
      assert.deepEqual(asked.sort(), [workspace, other.workspace].sort(), 'recipients are asked once per finished batch');
      const [received] = smtp.received;
      assert.ok(received!.secure, 'sent after STARTTLS');
      assert.equal(received!.user, 'mailer@clinic.example', "logged in with the URL's user and (decoded) password");
      assert.deepEqual(smtp.logins, [{ user: 'mailer@clinic.example', ok: true, secure: true }]);
      assert.equal(received!.from, 'noreply@clinic.example');
      assert.deepEqual(received!.to, MANAGERS, 'each recipient once');

      const mail = await simpleParser(received!.raw);
      const { batch } = found;
      assert.equal(mail.subject, `Batch ${batchId.slice(0, 8)} finished with 2 of 3 files failed`);
      assert.equal(mail.from?.text, '"Batch uploads" <noreply@clinic.example>');
      assert.equal(mail.messageId, `<batch-${batchId}.${batch.finished_at!.getTime()}@clinic.example>`);
      const text = mail.text ?? '';
      assert.match(text, /^The batch finished with 2 of 3 files failed\./);
      assert.ok(text.includes(`Batch:      ${batchId}`));
      assert.ok(text.includes(`Workspace:  ${workspace}`));
      assert.ok(text.includes(`Started:    ${batch.created_at.toISOString().slice(0, 19)}Z`));
      assert.ok(text.includes(`Finished:   ${batch.finished_at!.toISOString().slice(0, 19)}Z`));
      assert.match(text, /Files: {6}3\n {2}completed 1\n {2}failed {4}2\n {2}cancelled 0/);
      assert.ok(text.includes(`1 × CORRUPT_FILE: ${FILE_ERRORS.CORRUPT_FILE}`));
      assert.ok(text.includes('1 × NO_MATCHING_RECORD: Reported by the document processor.'), 'a host code shows, its message does not');
      assert.ok(text.includes(`Open the batch: https://portal.clinic.example/uploads#batch=${batchId}`));

      // Nothing of the patient, the files or the documents, anywhere: raw bytes (headers included) and decoded text.
      const forbidden = [...Object.values(phi), ...names, 'Jane', 'Doe', 'Smith', '9434765919', '1970-01-01', 'text read from', 'tmpl-', 'enc-'];
      for (const needle of forbidden) {
        assert.ok(!received!.raw.includes(needle), `the raw message holds ${needle}`);
        assert.ok(!text.includes(needle), `the text holds ${needle}`);
        assert.ok(!(mail.subject ?? '').includes(needle), `the subject holds ${needle}`);
      }
    } finally {
      await stores.close();
      await smtp.close();
    }
  });

  it('sends over smtps:// (TLS from the first byte), and says "all completed" and "cancelled" in words', async () => {
    const smtp = await startSmtpServer({ tls: certificate, secure: true, auth: { user: 'mailer', pass: 'pw' } });
    const stores = await openSqlite();
    try {
      const done = await makeBatch(stores, ['a.pdf', 'b.pdf']);
      const cancelled = await makeBatch(stores, ['c.pdf', 'd.pdf', 'e.pdf'], { workspace: done.workspace });
      await stores.store.control.pauseBatch(done.workspace, cancelled.batchId);
      const email: EmailOptions = { ...FAST, smtpUrl: smtp.url('mailer:pw'), ca: [certificate.cert], from: 'noreply@clinic.example', recipients: MANAGERS };
      await withEngine({ ...stores, email }, async (engine) => {
        await untilFinished(stores.store, done.workspace, done.batchId);
        const cancel = await engine.cancelBatch(done.workspace, cancelled.batchId);
        assert.ok(cancel.batch.cancelled_at);
        await until(() => smtp.received.length >= 2);
      });
      const mails = await Promise.all(smtp.received.map((r) => simpleParser(r.raw)));
      assert.ok(smtp.received.every((r) => r.secure && r.user === 'mailer'));
      const bySubject = new Map(mails.map((m) => [m.subject, m.text ?? '']));
      const completed = bySubject.get(`Batch ${done.batchId.slice(0, 8)} finished: all 2 files completed`);
      assert.ok(completed?.startsWith('The batch finished: all 2 files completed.'), [...bySubject.keys()].join(' | '));
      assert.ok(!completed!.includes('Why files failed'));
      const wasCancelled = bySubject.get(`Batch ${cancelled.batchId.slice(0, 8)} cancelled`);
      assert.ok(wasCancelled?.startsWith('The batch was cancelled: 0 completed, 0 failed, 3 not processed.'));
      assert.match(wasCancelled!, / {2}cancelled 3/);
    } finally {
      await stores.close();
      await smtp.close();
    }
  });

  it('counts the documents that name another patient, by code, and names no patient', async () => {
    const smtp = await startSmtpServer({ tls: certificate, secure: true, auth: { user: 'mailer', pass: 'pw' } });
    const stores = await openSqlite();
    try {
      const batch = await makeBatch(stores, ['jane-referral.pdf', 'john-discharge.pdf'], { patient_id: 'P-1001' });
      // The processor reads each letter's patient; the host knows P-1001 as Jane Doe.
      const readsFields: Processor = async (file) => ({
        document: { fields: file.filename.startsWith('john') ? { patient_name: 'John Smith', nhs_number: '4010232137' } : { patient_name: 'Jane Doe' } },
      });
      const email: EmailOptions = { ...FAST, smtpUrl: smtp.url('mailer:pw'), ca: [certificate.cert], from: 'noreply@clinic.example', recipients: MANAGERS };
      const resolvePatient = () => ({ name: 'Jane Doe', identifiers: { nhs_number: '9434765919' } });
      await withEngine({ ...stores, email, processor: readsFields, resolvePatient }, async () => {
        await untilFinished(stores.store, batch.workspace, batch.batchId);
        await until(() => smtp.received.length >= 1);
      });
      const mail = await simpleParser(smtp.received[0]!.raw);
      assert.match(mail.text ?? '', /To review: 1 document names another patient \(PATIENT_MISMATCH\)\./);
      assert.doesNotMatch(`${mail.subject}\n${mail.text}`, /Jane|John|Doe|Smith|P-1001|4010232137|9434765919|referral|discharge/);
    } finally {
      await stores.close();
      await smtp.close();
    }
  });

  it('never sends a password in clear: against a server without STARTTLS the email waits and no login is tried', async () => {
    const smtp = await startSmtpServer({ auth: { user: 'mailer', pass: 'pw' }, allowInsecureAuth: true });
    const stores = await openSqlite();
    try {
      const { workspace, batchId } = await makeBatch(stores, ['a.pdf']);
      const email: EmailOptions = { ...FAST, smtpUrl: smtp.url('mailer:pw'), from: 'noreply@clinic.example', recipients: MANAGERS };
      const found = await withEngine({ ...stores, email }, async () => {
        const batch = await untilFinished(stores.store, workspace, batchId);
        await until(() => smtp.connections() >= 2);
        return batch;
      });
      assert.equal(found.batch.counts.completed, 1, 'processing went on');
      assert.deepEqual(smtp.logins, [], 'the client never offered the password');
      assert.equal(smtp.offered.length, 0);
    } finally {
      await stores.close();
      await smtp.close();
    }
  });

  it('a server that refuses twice (451) then accepts gets one email, the same message each time, after backoff', async () => {
    const smtp = await startSmtpServer({ answer: (n) => (n < 2 ? 451 : 250) });
    const stores = await openSqlite();
    try {
      const { workspace, batchId } = await makeBatch(stores, ['a.pdf', 'b.pdf']);
      const email: EmailOptions = { ...FAST, smtpUrl: smtp.url(), from: 'noreply@clinic.example', recipients: MANAGERS };
      const finishedAt = await withEngine({ ...stores, email }, async () => {
        const found = await untilFinished(stores.store, workspace, batchId);
        await until(() => smtp.received.length >= 1);
        await pause(600);
        return found.batch.finished_at!.getTime();
      });
      assert.deepEqual(
        smtp.offered.map((o) => o.answer),
        [451, 451, 250],
      );
      assert.equal(smtp.received.length, 1);
      const ids = await Promise.all(smtp.offered.map(async (o) => (await simpleParser(o.raw)).messageId));
      assert.deepEqual(new Set(ids), new Set([`<batch-${batchId}.${finishedAt}@clinic.example>`]), 'every attempt is the same message');
    } finally {
      await stores.close();
      await smtp.close();
    }
  });

  it('a server down while the batch runs gets the email once it is up; processing never waited for it', async () => {
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close();
    const stores = await openSqlite();
    let smtp = null as SmtpTestServer | null;
    try {
      const { workspace, batchId } = await makeBatch(stores, ['a.pdf', 'b.pdf', 'c.pdf']);
      const email: EmailOptions = { ...FAST, smtpUrl: `smtp://127.0.0.1:${port}`, from: 'noreply@clinic.example', recipients: MANAGERS };
      await withEngine({ ...stores, email }, async () => {
        const found = await untilFinished(stores.store, workspace, batchId);
        assert.equal(found.batch.counts.completed, 3, 'the batch finished with the mail server down');
        await pause(700); // a few refused connections
        smtp = await startSmtpServer({ port });
        const up = smtp;
        await until(() => up.received.length >= 1);
        await pause(500);
      });
      assert.equal(smtp!.received.length, 1);
      assert.match((await simpleParser(smtp!.received[0]!.raw)).subject ?? '', /finished: all 3 files completed/);
    } finally {
      await stores.close();
      await smtp?.close();
    }
  });

  it('an email still waiting when the engine stops is sent by the next start, once', async () => {
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close();
    const stores = await openSqlite();
    let smtp: SmtpTestServer | null = null;
    try {
      const { workspace, batchId } = await makeBatch(stores, ['a.pdf']);
      const email: EmailOptions = { ...FAST, smtpUrl: `smtp://127.0.0.1:${port}`, from: 'noreply@clinic.example', recipients: MANAGERS };
      await withEngine({ ...stores, email }, async () => {
        await untilFinished(stores.store, workspace, batchId);
        await pause(300);
      });
      smtp = await startSmtpServer({ port });
      const up = smtp;
      await withEngine({ ...stores, email }, async () => {
        await until(() => up.received.length >= 1);
        await pause(500);
      });
      assert.equal(smtp.received.length, 1);
      assert.ok(smtp.received[0]!.raw.includes(batchId));
    } finally {
      await stores.close();
      await smtp?.close();
    }
  });

  it('a retried batch that finishes again gets a second email; each finish one', async () => {
    const smtp = await startSmtpServer();
    const stores = await openSqlite();
    try {
      let fail = true;
      const flaky: Processor = async () => {
        if (fail) throw new PermanentError('CORRUPT_FILE', FILE_ERRORS.CORRUPT_FILE);
        return {};
      };
      const { workspace, batchId } = await makeBatch(stores, ['a.pdf', 'b.pdf']);
      const email: EmailOptions = { ...FAST, smtpUrl: smtp.url(), from: 'noreply@clinic.example', recipients: MANAGERS };
      await withEngine({ ...stores, email, processor: flaky }, async (engine) => {
        await untilFinished(stores.store, workspace, batchId);
        await until(() => smtp.received.length >= 1);
        fail = false;
        const retry = await engine.retryFailedFiles(workspace, batchId);
        assert.equal(retry.retried, 2);
        await untilFinished(stores.store, workspace, batchId);
        await until(() => smtp.received.length >= 2);
        await pause(500);
      });
      assert.equal(smtp.received.length, 2);
      const [first, second] = await Promise.all(smtp.received.map((r) => simpleParser(r.raw)));
      assert.match(first!.subject ?? '', /finished: all 2 files failed/);
      assert.match(second!.subject ?? '', /finished: all 2 files completed/);
      assert.notEqual(first!.messageId, second!.messageId);
    } finally {
      await stores.close();
      await smtp.close();
    }
  });
});

describe('batch emails with two engines on one MongoDB', () => {
  let target: MongoTarget;
  before(async () => {
    target = await mongoTarget();
  });
  after(() => target.close());

  it('send one email per finished batch between them', async () => {
    const smtp = await startSmtpServer();
    const uri = target.uriFor(freshDbName('email'));
    const stores = [new MongoStore({ uri }), new MongoStore({ uri })];
    const blobs = new LocalBlobStore({ dir: join(dir, `mongo-blobs-${randomUUID()}`) });
    try {
      await Promise.all(stores.map((s) => s.init()));
      await blobs.init();
      const email: EmailOptions = { ...FAST, smtpUrl: smtp.url(), from: 'noreply@clinic.example', recipients: MANAGERS };
      const engines = stores.map(
        (store, i) => new BatchEngine({ store, blobs, processor, email, leaseMs: 1_000, pollIntervalMs: 20, concurrency: 2, instanceId: `engine-${i}` }),
      );
      await Promise.all(engines.map((e) => e.start()));
      try {
        const batches: { workspace: string; batchId: string }[] = [];
        for (let i = 0; i < 3; i++) batches.push(await makeBatch({ store: stores[0]!, blobs }, ['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf', 'e.pdf', 'f.pdf']));
        // Written past the engines, so found by their polling (every 20 ms).
        for (const { workspace, batchId } of batches) await untilFinished(stores[1]!, workspace, batchId, 20_000);
        await until(() => smtp.received.length >= 3, 10_000);
        await pause(1_000);
        const sent = smtp.received.map((r) => batches.find((b) => r.raw.includes(b.batchId))?.batchId);
        assert.equal(smtp.received.length, 3, 'one email per batch, not one per engine');
        assert.deepEqual(new Set(sent), new Set(batches.map((b) => b.batchId)));
      } finally {
        await Promise.all(engines.map((e) => e.close()));
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await blobs.close();
      await smtp.close();
    }
  });
});
