import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KEPT_RESULT_FIELDS, PURGED_FILENAME, type BatchStatusResponse, type ReviewResponse, type UploadResponse } from '@batch-uploader/protocol';
import { inspectDocument } from '@batch-uploader/server/inspect';
import type { Processor, ResolvePatient } from '../src/index.js';
import { PEOPLE, documentFromText, letterPdf } from '@batch-uploader/test-support/patient-letters';
import { mongoTarget } from '@batch-uploader/test-support/mongo-target';
import { finishedBatch, retentionBackends, startRetentionHost, statusOf } from './support/retention-host.js';

// Retention and the wrong-patient guard, through HTTP on each store: a letter about John
// uploaded to Jane's batch is held and rejected by a nurse. The fields read from it
// (`result.document`) and the comparison (`result.patient_check`) are health data and go
// with the retention purge; the review record — reason code, decision, who, when — stays,
// as the audit of a safety event.

const WORKSPACE = 'clinic-a';
const NURSE = 'nurse-17';
const FILENAME = 'John Smith clinic letter.pdf';

const mongo = await mongoTarget();
const scratch = await mkdtemp(join(tmpdir(), 'retention-review-'));
after(async () => {
  await mongo.close();
  await rm(scratch, { recursive: true, force: true });
});

/** The server's inspector reads the letter's text layer; its patient fields are answered as `document.fields`. */
const readsFields: Processor = async (file) => {
  const inspected = await inspectDocument(new Uint8Array(await file.read()));
  return { ...inspected, document: documentFromText(inspected.text) };
};

const resolvePatient: ResolvePatient = ({ patient_id }) => {
  if (patient_id !== PEOPLE.jane.patient_id) return null;
  const { name, date_of_birth, nhs_number, mrn } = PEOPLE.jane;
  return { name, date_of_birth, identifiers: { nhs_number, mrn } };
};

const backends = retentionBackends(scratch, mongo, 'retention_review');

for (const backend of backends) {
  void describe(`retention of a reviewed file, on ${backend.name}`, () => {
    void it('removes result.document and result.patient_check; keeps the review: code, decision, who and when', async () => {
      const { store, cleanup } = backend.open();
      const host = await startRetentionHost(store, scratch, { processor: readsFields, resolvePatient }, { workspace_id: WORKSPACE, user_id: NURSE });
      try {
        const form = new FormData();
        form.append('files', new Blob([await letterPdf('Clinic letter', PEOPLE.john)], { type: 'application/pdf' }), FILENAME);
        form.append('patient_id', PEOPLE.jane.patient_id);
        const uploaded = await fetch(`${host.api}/batch-upload`, { method: 'POST', body: form });
        assert.equal(uploaded.status, 202);
        const { batch_id } = (await uploaded.json()) as UploadResponse;

        const held = (await finishedBatch(host.api, batch_id)).files[0]!;
        const heldResult = held.result as Record<string, unknown>;
        assert.equal(held.needs_review, true);
        assert.equal((heldResult.patient_check as { outcome: string }).outcome, 'mismatch');
        assert.equal((heldResult.document as { fields: Record<string, unknown> }).fields.nhs_number, PEOPLE.john.nhs_number, 'the fields are there before');

        const decided = await fetch(`${host.api}/batch/${batch_id}/files/${held.file_id}/review`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'reject' }),
        });
        assert.equal(decided.status, 200);
        const review = ((await decided.json()) as ReviewResponse).file.review!;
        assert.deepEqual([review.reason.code, review.decision, review.decided_by], ['PATIENT_MISMATCH', 'rejected', NURSE]);

        assert.equal((await host.engine.sweepRetention()).contents, 1);

        const { text } = await statusOf(host.api, batch_id);
        for (const gone of [
          FILENAME,
          PEOPLE.john.name,
          PEOPLE.john.nhs_number,
          PEOPLE.john.mrn,
          '1955',
          PEOPLE.jane.patient_id,
          'patient_check',
          '"document"',
        ]) {
          assert.ok(!text.includes(gone), `"${gone}" is no longer in the status answer`);
        }
        const file = (JSON.parse(text) as BatchStatusResponse).batch.files[0]!;
        assert.equal(file.filename, PURGED_FILENAME);
        assert.ok(file.purged_at);
        assert.deepEqual(
          Object.keys(file.result as object).filter((key) => !(KEPT_RESULT_FIELDS as readonly string[]).includes(key)),
          [],
          'only the facts of KEPT_RESULT_FIELDS stay in the result',
        );
        assert.deepEqual(file.review, review, 'the review record stays whole: code, sentence (field names only), decision, who, when');
        assert.equal(file.needs_review, false);
      } finally {
        await host.close();
        await cleanup();
      }
    });
  });
}
