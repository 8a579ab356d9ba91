import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { FILE_ERRORS, type Batch, type UploadResponse } from '@batch-uploader/protocol';
import { PAGE_WORDS, PDF_INFO } from '@batch-uploader/test-support/documents';
import { startSmtpServer, testCertificate } from '@batch-uploader/test-support/smtp-test-server';
import { emailSettings } from '../src/config.js';
import { startChild, stopChild, type Child } from './child-server.js';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { getBatch, tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

const USER = 'uploads@clinic.example';
const PASSWORD = 'pa55:word/with@signs';
const userinfo = `${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}`;
const TO = ['practice.manager@clinic.example', 'lead.gp@clinic.example'];

/** A batch of PHI-like names and ids: none of it may reach an email. */
const PATIENT = { patient_id: 'NHS-943-476-5919', template_id: 'tmpl-cardiology-referral', encounter_id: 'enc-2026-03-14-7781' };
const NAMES = {
  good: 'Jane_Doe_1970-01-01_NHS_9434765919.pdf',
  scan: 'Doe_Jane_ECG_2026-03-14.png',
  damaged: 'Jane_Doe_discharge_letter_MRN-00123456.pdf',
  program: 'Jane_Doe_notes_DOB_1970-01-01.pdf',
};
const FORBIDDEN = [
  ...Object.values(PATIENT),
  ...Object.values(NAMES),
  ...Object.values(NAMES).map((name) => name.replace(/\.\w+$/, '')),
  'Jane',
  'Doe',
  '9434765919',
  'MRN-00123456',
  '1970-01-01',
  'cardiology',
  ...PAGE_WORDS,
  PDF_INFO.title,
  PDF_INFO.author,
];

let docs: Documents;
let certificate: { key: string; cert: string };
let dir = '';
before(async () => {
  docs = await documents();
  certificate = await testCertificate();
  dir = await tempDir('email-demo-');
});
after(() => rm(dir, { recursive: true, force: true }));

async function uploadPhiBatch(api: string): Promise<string> {
  const res = await upload(
    api,
    [
      { name: NAMES.good, data: docs.pdf },
      { name: NAMES.scan, data: docs.png },
      { name: NAMES.damaged, data: docs.truncatedPdf },
      { name: NAMES.program, data: docs.exe },
    ],
    PATIENT,
  );
  assert.equal(res.status, 202);
  return ((await res.json()) as UploadResponse).batch_id;
}

describe('batch emails of the demo server', () => {
  it('a batch with a patient id and PHI-like file names is emailed with outcome, counts, reasons and link, and none of those names or ids', async () => {
    const smtp = await startSmtpServer({ tls: certificate, auth: { user: USER, pass: PASSWORD } });
    const caFile = join(dir, 'smtp-ca.pem');
    await writeFile(caFile, certificate.cert);
    const settings = emailSettings({
      SMTP_URL: smtp.url(userinfo),
      NOTIFY_EMAIL_FROM: 'Clinic uploads <noreply@clinic.example>',
      NOTIFY_EMAIL_TO: TO.join(', '),
      SMTP_CA_FILE: caFile,
      PUBLIC_URL: 'https://uploads.clinic.example/',
    });
    const server = await startTestServer(settings);
    let batch: Batch;
    try {
      const batchId = await uploadPhiBatch(server.api);
      batch = await waitForFinished(server.api, batchId);
      await waitFor(() => Promise.resolve(smtp.received.length >= 1), 15_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await server.close();
      await smtp.close();
    }
    assert.equal(smtp.received.length, 1, 'one email for the batch');
    const [received] = smtp.received;
    assert.ok(received!.secure, 'over STARTTLS, trusting SMTP_CA_FILE');
    assert.equal(received!.user, USER);
    assert.deepEqual(received!.to, TO);

    const mail = await simpleParser(received!.raw);
    const text = mail.text ?? '';
    assert.equal(mail.subject, `Batch ${batch.id.slice(0, 8)} finished with 2 of 4 files failed`);
    assert.match(text, /^The batch finished with 2 of 4 files failed\./);
    assert.ok(text.includes(`Batch:      ${batch.id}`));
    assert.ok(text.includes('Workspace:  dev'));
    assert.ok(text.includes(`Started:    ${batch.created_at.slice(0, 19)}Z`));
    assert.ok(text.includes(`Finished:   ${batch.finished_at!.slice(0, 19)}Z`));
    assert.match(text, / {2}completed 2\n {2}failed {4}2\n {2}cancelled 0/);
    assert.ok(text.includes(`1 × CORRUPT_FILE: ${FILE_ERRORS.CORRUPT_FILE}`));
    assert.ok(text.includes(`1 × UNSUPPORTED_TYPE: ${FILE_ERRORS.UNSUPPORTED_TYPE}`));
    assert.ok(text.includes(`Open the batch: https://uploads.clinic.example/batch-upload#batch=${batch.id}`));

    // The whole message as it went over the wire, headers included, and its decoded parts.
    const decoded = [mail.subject ?? '', text, ...[...mail.headers.values()].map((value) => JSON.stringify(value))].join('\n');
    for (const needle of FORBIDDEN) {
      assert.ok(!received!.raw.includes(needle), `the raw message holds "${needle}"`);
      assert.ok(!decoded.includes(needle), `the decoded message holds "${needle}"`);
    }
  });

  it('an SMTP server that refuses changes no answer and no processing; the logs name no address, password or patient data; NODE_EXTRA_CA_CERTS is trusted', async () => {
    let accept = false;
    const smtp = await startSmtpServer({ tls: certificate, auth: { user: USER, pass: PASSWORD }, answer: () => (accept ? 250 : 451) });
    const caFile = join(dir, 'extra-ca.pem');
    await writeFile(caFile, certificate.cert);
    const dataDir = await tempDir();
    let child: Child | null = null;
    try {
      child = await startChild({
        DATA_DIR: dataDir,
        LOG_LEVEL: 'debug',
        PROCESSING_DELAY_MS: '0',
        SMTP_URL: smtp.url(userinfo),
        NOTIFY_EMAIL_FROM: 'noreply@clinic.example',
        NOTIFY_EMAIL_TO: TO.join(','),
        NODE_EXTRA_CA_CERTS: caFile,
      });
      const batchId = await uploadPhiBatch(child.api);
      const batch = await waitForFinished(child.api, batchId);
      assert.equal(batch.status, 'completed');
      assert.deepEqual([batch.progress.completed, batch.progress.failed], [2, 2]);
      await waitFor(() => Promise.resolve(child!.output().includes('email delivery failed')), 15_000);
      // Answers while the email waits are as ever.
      assert.equal((await getBatch(child.api, batchId)).status, 'completed');
      assert.equal((await fetch(`${child.api}/batch-history`)).status, 200);

      accept = true;
      await waitFor(() => Promise.resolve(smtp.received.length >= 1), { timeoutMs: 30_000, everyMs: 200 });
      assert.ok(smtp.received[0]!.secure, 'STARTTLS with the certificate from NODE_EXTRA_CA_CERTS');

      const output = child.output();
      assert.match(output, /"error":"SMTP 451"/, 'the failure is logged by its reply code');
      for (const needle of [...FORBIDDEN, PASSWORD, encodeURIComponent(PASSWORD), USER, ...TO]) {
        assert.ok(!output.includes(needle), `the log holds "${needle}"`);
      }
    } finally {
      if (child) await stopChild(child);
      await smtp.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a mail server that never answers holds up neither processing nor shutdown', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket)); // accepts, never greets
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    const server = await startTestServer(
      emailSettings({ SMTP_URL: `smtp://127.0.0.1:${port}`, NOTIFY_EMAIL_FROM: 'noreply@clinic.example', NOTIFY_EMAIL_TO: TO[0] }),
    );
    try {
      const first = (await (await upload(server.api, [{ name: 'a.png', data: docs.png }])).json()) as UploadResponse;
      await waitForFinished(server.api, first.batch_id);
      await waitFor(() => Promise.resolve(sockets.size >= 1), 10_000);
      // The sender now waits for a greeting; the next batch runs all the same.
      const second = (await (
        await upload(server.api, [
          { name: 'b.png', data: docs.png },
          { name: 'c.pdf', data: docs.pdf },
        ])
      ).json()) as UploadResponse;
      const batch = await waitForFinished(server.api, second.batch_id);
      assert.equal(batch.progress.completed, 2);
    } finally {
      // Shutdown interrupts the attempt (its default time limit is 30 s) instead of waiting for it.
      const started = Date.now();
      await server.close();
      assert.ok(Date.now() - started < 10_000, `closing took ${Date.now() - started} ms`);
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
