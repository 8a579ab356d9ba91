import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Batch, BatchFile, ErrorResponse, PatientCheck, ReviewResponse, UploadResponse, WebhookEvent } from '@batch-uploader/protocol';
import { inspectDocument } from '@batch-uploader/server/inspect';
import type { Processor, ResolvePatient } from '../src/index.js';
import { assertConforms, assertMatchesSchema } from '@batch-uploader/test-support/openapi';
import { PEOPLE, documentFromText, letterPdf } from '@batch-uploader/test-support/patient-letters';
import { makePng } from '@batch-uploader/test-support/small-documents';
import { asA, asB, twoClinics, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';
import { startTestServer } from './support/test-server.js';

const SECRET = 'webhook-secret-0123456789abcdef';

/**
 * The processor under test: the server's own inspector reads the PDF's text layer, and the
 * patient fields it names are answered as `document.fields`, as a documents processor does.
 */
const readsFields: Processor = async (file) => {
  const inspected = await inspectDocument(new Uint8Array(await file.read()));
  return { ...inspected, document: documentFromText(inspected.text) };
};

/** clinic-a knows Jane as P-1001; clinic-b knows no one. */
const lookups: string[] = [];
let failNextLookup = false;
const resolvePatient: ResolvePatient = ({ workspace_id, patient_id }) => {
  lookups.push(`${workspace_id}/${patient_id}`);
  if (failNextLookup) {
    failNextLookup = false;
    // A host's error may quote the patient: it must not reach logs or answers.
    throw new Error(`registry down while reading ${PEOPLE.jane.name}`);
  }
  if (workspace_id !== 'clinic-a' || patient_id !== PEOPLE.jane.patient_id) return null;
  const { date_of_birth, nhs_number, mrn } = PEOPLE.jane;
  // The registry writes names and NHS numbers its own way; the guard reads both.
  return Promise.resolve({ name: 'DOE, Jane', date_of_birth, identifiers: { nhs_number: nhs_number.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'), mrn } });
};

let hooks: { url: string; bodies: string[]; close(): Promise<void> };
let server: Awaited<ReturnType<typeof startTestServer>>;

async function startReceiver(): Promise<typeof hooks> {
  const bodies: string[] = [];
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  return {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    bodies,
    close: () => new Promise((resolve) => receiver.close(() => resolve())),
  };
}

/** Every log line of the server, as JSON. */
const logged: string[] = [];
const log = (level: string) => (fields: object, message: string) => void logged.push(JSON.stringify({ level, ...fields, message }));
const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

before(async () => {
  hooks = await startReceiver();
  server = await startTestServer({ apiTokens: twoClinics(), processor: readsFields, resolvePatient, webhookUrl: hooks.url, webhookSecret: SECRET, logger });
});
after(async () => {
  await server.close();
  await hooks.close();
});

async function uploadFor(patientId: string | null, files: { name: string; data: Uint8Array<ArrayBuffer> }[]): Promise<Batch> {
  const res = await upload(server.api, files, patientId ? { patient_id: patientId } : {}, asA);
  assert.equal(res.status, 202);
  const { batch_id } = (await res.json()) as UploadResponse;
  return waitForFinished(server.api, batch_id, asA);
}

function checkOf(file: BatchFile | undefined): PatientCheck | undefined {
  return (file?.result as { patient_check?: PatientCheck } | undefined)?.patient_check;
}

async function review(batchId: string, fileId: string, body: unknown, headers: Record<string, string> = asA, raw?: string, contentType = 'application/json') {
  const res = await fetch(`${server.api}/batch/${batchId}/files/${fileId}/review`, {
    method: 'POST',
    headers: { ...headers, 'content-type': contentType },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('the wrong-patient guard', () => {
  let batch: Batch;
  before(async () => {
    const { jane, john } = PEOPLE;
    batch = await uploadFor(jane.patient_id, [
      {
        name: 'referral.pdf',
        data: await letterPdf('Referral letter', { name: 'Mrs Jane A. Doe', date_of_birth: jane.date_of_birth, nhs_number: jane.nhs_number }),
      },
      { name: 'discharge.pdf', data: await letterPdf('Discharge summary', john) },
      { name: 'lab.pdf', data: await letterPdf('Lab report', { nhs_number: john.nhs_number, name: jane.name }) },
      { name: 'note.pdf', data: await letterPdf('Clinic note without patient details', {}) },
      { name: 'wound.png', data: makePng(8, 8) },
    ]);
  });

  it('checks each document against the batch patient: match, mismatch, no identifiers', () => {
    assertConforms('GET', '/batch-status/{batch_id}', 200, { status: 'success', batch });
    assert.deepEqual(checkOf(batch.files[0]), { outcome: 'match', matched: ['nhs_number', 'patient_name', 'date_of_birth'], conflicting: [] });
    assert.deepEqual(checkOf(batch.files[1]), {
      outcome: 'mismatch',
      matched: [],
      conflicting: ['nhs_number', 'mrn', 'patient_name', 'date_of_birth'],
    });
    assert.deepEqual(checkOf(batch.files[2]), { outcome: 'mismatch', matched: ['patient_name'], conflicting: ['nhs_number'] });
    assert.equal(checkOf(batch.files[3])?.outcome, 'no_identifiers');
    assert.equal(checkOf(batch.files[4])?.outcome, 'no_identifiers', 'an image without text names no one');
    assert.deepEqual(
      batch.files.map((f) => f.status),
      ['completed', 'completed', 'completed', 'completed', 'completed'],
      'a mismatched file completes',
    );
  });

  it('holds mismatched files for review with a reason a clerk reads, and counts them', () => {
    assert.equal(batch.status, 'completed');
    assert.equal(batch.progress.needs_review, 2);
    assert.equal(batch.progress.completed, 5);
    assert.deepEqual(
      batch.files.map((f) => f.needs_review ?? null),
      [null, true, true, null, null],
    );
    assert.deepEqual(batch.files[2]!.review, {
      reason: { code: 'PATIENT_MISMATCH', message: 'This document names another patient: NHS number differs.' },
      decision: null,
      decided_by: null,
      decided_at: null,
    });
    assert.equal(batch.files[1]!.review!.reason.message, 'This document names another patient: NHS number, hospital number, name and date of birth differ.');
  });

  it('sends file.needs_review webhook events with codes and field names only', async () => {
    const events = await waitFor(() => {
      const found = hooks.bodies.map((body) => JSON.parse(body) as WebhookEvent).filter((e) => e.type === 'file.needs_review' && e.data.batch_id === batch.id);
      return found.length === 2 ? found : null;
    });
    for (const event of events) assertMatchesSchema('FileNeedsReviewEvent', event);
    assert.deepEqual(
      new Set(events.map((e) => (e.type === 'file.needs_review' ? e.data.file_id : ''))),
      new Set([batch.files[1]!.file_id, batch.files[2]!.file_id]),
    );
    // Ids and times left out: a random id may hold "1955" as well as a date of birth.
    const text = hooks.bodies
      .join('\n')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
    assert.doesNotMatch(text, /Jane|Doe|John|Smith|9434765919|4010232137|RX\d|P-100|discharge|lab\.pdf|1980|1955/, 'no patient data or filenames');
  });

  it('confirms a held file: recorded with who and when, no longer counted', async () => {
    const target = batch.files[1]!;
    const answer = await review(batch.id, target.file_id, { decision: 'confirm' });
    assert.equal(answer.status, 200);
    assertConforms('POST', '/batch/{batch_id}/files/{file_id}/review', 200, answer.body);
    const { file, batch: after } = answer.body as ReviewResponse;
    assert.equal(file.needs_review, false);
    assert.equal(file.status, 'completed');
    assert.equal(file.review?.decision, 'confirmed');
    assert.equal(file.review?.decided_by, 'workspace:clinic-a', 'the caller as the auth layer gives it');
    assert.ok(Date.parse(file.review!.decided_at!) >= Date.parse(batch.finished_at!));
    assert.equal(after.progress.needs_review, 1);

    const again = await review(batch.id, target.file_id, { decision: 'confirm' });
    assert.equal(again.status, 200, 'the same decision again is answered with the first');
    const other = await review(batch.id, target.file_id, { decision: 'reject' });
    assert.equal(other.status, 409);
    assertConforms('POST', '/batch/{batch_id}/files/{file_id}/review', 409, other.body);
    assert.equal((other.body as ErrorResponse).error.code, 'ALREADY_REVIEWED');
  });

  it('rejects a held file: it stays completed with the decision, not to be filed', async () => {
    const answer = await review(batch.id, batch.files[2]!.file_id, { decision: 'reject' });
    assert.equal(answer.status, 200);
    const { file, batch: after } = answer.body as ReviewResponse;
    assert.equal(file.status, 'completed');
    assert.equal(file.review?.decision, 'rejected');
    assert.equal(after.progress.needs_review, 0);
  });

  it('answers another workspace, unknown files, files not held and bad bodies with 4xx errors', async () => {
    const held = batch.files[1]!.file_id;
    const cases: [string, Promise<{ status: number; body: unknown }>, number, string][] = [
      ['another workspace', review(batch.id, held, { decision: 'confirm' }, asB), 404, 'BATCH_NOT_FOUND'],
      ['an unknown file', review(batch.id, '00000000-0000-4000-8000-000000000000', { decision: 'confirm' }), 404, 'FILE_NOT_FOUND'],
      ['a malformed file id', review(batch.id, 'not-a-file', { decision: 'confirm' }), 404, 'FILE_NOT_FOUND'],
      ['a malformed batch id', review('nope', held, { decision: 'confirm' }), 400, 'INVALID_BATCH_ID'],
      ['a file never held', review(batch.id, batch.files[0]!.file_id, { decision: 'confirm' }), 409, 'NOTHING_TO_REVIEW'],
      ['an unknown decision', review(batch.id, held, { decision: 'maybe' }), 400, 'INVALID_FIELD'],
      ['no decision', review(batch.id, held, {}), 400, 'INVALID_FIELD'],
      ['an array', review(batch.id, held, ['confirm']), 400, 'BAD_REQUEST'],
      ['broken JSON', review(batch.id, held, null, asA, '{"decision":'), 400, 'BAD_REQUEST'],
      ['JSON sent as text', review(batch.id, held, null, asA, '{"decision":"confirm"}', 'text/plain'), 400, 'BAD_REQUEST'],
      ['a form', review(batch.id, held, null, asA, 'decision=confirm', 'application/x-www-form-urlencoded'), 400, 'BAD_REQUEST'],
      ['a body over 4 KB', review(batch.id, held, null, asA, JSON.stringify({ decision: 'confirm', note: 'x'.repeat(5000) })), 400, 'BAD_REQUEST'],
    ];
    for (const [what, pending, status, code] of cases) {
      const answer = await pending;
      assert.equal(answer.status, status, what);
      assert.equal((answer.body as ErrorResponse).error.code, code, what);
      assertConforms('POST', '/batch/{batch_id}/files/{file_id}/review', status, answer.body);
    }
    const { body } = await review(batch.id, held, null, asA, 'decision=confirm', 'application/x-www-form-urlencoded');
    assert.match((body as ErrorResponse).error.message, /Content-Type: application\/json/, 'the answer says how to send it');
    const large = await review(batch.id, held, null, asA, JSON.stringify({ decision: 'confirm', note: 'x'.repeat(5000) }));
    assert.deepEqual((large.body as ErrorResponse).error.details, { limit_bytes: 4096 }, 'the limit, not a file size template');
    assert.doesNotMatch((large.body as ErrorResponse).error.message, /\{/, (large.body as ErrorResponse).error.message);
  });

  it('lists held files in analytics by reason and decision', async () => {
    const res = await fetch(`${server.api}/batch-analytics`, { headers: asA });
    const body = (await res.json()) as { analytics: { reviews?: unknown } };
    assert.deepEqual(body.analytics.reviews, [{ code: 'PATIENT_MISMATCH', awaiting: 0, confirmed: 1, rejected: 1 }]);
  });
});

describe('when the guard cannot check', () => {
  it('a batch without a patient, or a patient the host does not know, is not checked', async () => {
    const letter = await letterPdf('Discharge summary', PEOPLE.john);
    const before = lookups.length;
    const none = await uploadFor(null, [{ name: 'a.pdf', data: letter }]);
    assert.equal(lookups.length, before, 'no patient: no lookup');
    const unknown = await uploadFor('P-9999', [{ name: 'b.pdf', data: letter }]);
    for (const batch of [none, unknown]) {
      assert.deepEqual(checkOf(batch.files[0]), { outcome: 'not_checked', matched: [], conflicting: [] });
      assert.equal(batch.files[0]!.needs_review, undefined);
      assert.equal(batch.progress.needs_review, 0);
    }
  });

  it('without resolvePatient a documents result is not checked, and a plain result is kept exactly as the processor answered', async () => {
    const plain: Processor = async (file) => ({ pages: 1, bytes: file.size });
    const withoutGuard = await startTestServer({ processor: readsFields });
    const plainServer = await startTestServer({ processor: plain });
    try {
      const letter = await letterPdf('Discharge summary', PEOPLE.john);
      for (const [host, expected] of [
        [withoutGuard, { outcome: 'not_checked', matched: [], conflicting: [] }],
        [plainServer, undefined],
      ] as const) {
        const res = await upload(host.api, [{ name: 'd.pdf', data: letter }], { patient_id: PEOPLE.jane.patient_id });
        const { batch_id } = (await res.json()) as UploadResponse;
        const done = await waitForFinished(host.api, batch_id);
        assert.deepEqual(checkOf(done.files[0]), expected);
        assert.equal(done.progress.needs_review, 0);
      }
      const res = await upload(plainServer.api, [{ name: 'e.pdf', data: letter }]);
      const done = await waitForFinished(plainServer.api, ((await res.json()) as UploadResponse).batch_id);
      assert.deepEqual(done.files[0]!.result, { pages: 1, bytes: letter.length });
    } finally {
      await withoutGuard.close();
      await plainServer.close();
    }
  });

  it('a lookup that fails makes the attempt transient: the file runs again and is checked', async () => {
    failNextLookup = true;
    const batch = await uploadFor(PEOPLE.jane.patient_id, [{ name: 'c.pdf', data: await letterPdf('Discharge summary', PEOPLE.john) }]);
    const file = batch.files[0]!;
    assert.equal(file.attempts, 2);
    assert.equal(checkOf(file)?.outcome, 'mismatch');
    assert.doesNotMatch(JSON.stringify(batch), /registry down/);
    const lines = logged.join('\n');
    assert.match(lines, /PATIENT_LOOKUP_FAILED/, 'the failed lookup is logged by its code');
    assert.doesNotMatch(lines, /Jane|Doe|John|Smith|P-100|9434765919|4010232137|registry down/, 'with no patient data');
  });
});
