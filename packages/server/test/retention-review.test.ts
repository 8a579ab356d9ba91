import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import express from 'express';
import { KEPT_RESULT_FIELDS, PURGED_FILENAME, type Batch, type BatchStatusResponse, type ReviewResponse, type UploadResponse } from '@batch-uploader/protocol';
import { inspectDocument } from '@batch-uploader/server/inspect';
import { BatchEngine, LocalBlobStore, createBatchRouter, type Processor, type ResolvePatient, type Store } from '../src/index.js';
import { MongoClient, MongoStore } from '../src/stores/mongodb/index.js';
import { SqliteStore } from '../src/stores/sqlite/index.js';
import { PEOPLE, documentFromText, letterPdf } from '@batch-uploader/test-support/patient-letters';
import { freshDbName, mongoTarget } from '@batch-uploader/test-support/mongo-target';

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

async function startHost(store: Store): Promise<{ api: string; engine: BatchEngine; close(): Promise<void> }> {
  await store.init();
  const dir = await mkdtemp(join(scratch, 'host-'));
  const blobs = new LocalBlobStore({ dir: join(dir, 'blobs') });
  await blobs.init();
  const engine = new BatchEngine({ store, blobs, processor: readsFields, resolvePatient, pollIntervalMs: 20, retention: { blobsAfterMs: 0 } });
  await engine.start();
  const app = express();
  app.use('/api', createBatchRouter({ engine, authenticate: () => ({ workspace_id: WORKSPACE, user_id: NURSE }), uploadDir: join(dir, 'uploads') }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    engine,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await engine.close();
      await store.close();
      await blobs.close();
    },
  };
}

async function statusText(api: string, batchId: string): Promise<string> {
  return (await fetch(`${api}/batch-status/${batchId}`)).text();
}

async function finished(api: string, batchId: string): Promise<Batch> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const batch = (JSON.parse(await statusText(api, batchId)) as BatchStatusResponse).batch;
    if (batch.finished_at) return batch;
    if (Date.now() > deadline) throw new Error('the batch did not finish');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const backends: { name: string; open: () => { store: Store; cleanup: () => Promise<void> } }[] = [
  { name: 'a SQLite file', open: () => ({ store: new SqliteStore({ path: join(scratch, `${randomUUID()}.sqlite`) }), cleanup: async () => {} }) },
  {
    name: `MongoDB (${mongo.kind})`,
    open() {
      const dbName = freshDbName('retention-review');
      const uri = mongo.uriFor(dbName);
      return {
        store: new MongoStore({ uri }),
        async cleanup() {
          const client = new MongoClient(uri);
          await client
            .db(dbName)
            .dropDatabase()
            .finally(() => client.close());
        },
      };
    },
  },
];

for (const backend of backends) {
  void describe(`retention of a reviewed file, on ${backend.name}`, () => {
    void it('removes result.document and result.patient_check; keeps the review: code, decision, who and when', async () => {
      const { store, cleanup } = backend.open();
      const host = await startHost(store);
      try {
        const form = new FormData();
        form.append('files', new Blob([await letterPdf('Clinic letter', PEOPLE.john)], { type: 'application/pdf' }), FILENAME);
        form.append('patient_id', PEOPLE.jane.patient_id);
        const uploaded = await fetch(`${host.api}/batch-upload`, { method: 'POST', body: form });
        assert.equal(uploaded.status, 202);
        const { batch_id } = (await uploaded.json()) as UploadResponse;

        const held = (await finished(host.api, batch_id)).files[0]!;
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

        const text = await statusText(host.api, batch_id);
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
