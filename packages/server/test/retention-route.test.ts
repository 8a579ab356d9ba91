import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  PURGED_FILENAME,
  type Batch,
  type BatchHistoryResponse,
  type BatchStatusResponse,
  type InspectionResult,
  type UploadResponse,
} from '@batch-uploader/protocol';
import { createInspectProcessor } from '../src/processors/inspect/index.js';
import { PAGE_WORDS, PDF_INFO, makeTextPdf } from '@batch-uploader/test-support/documents';
import { mongoTarget } from '@batch-uploader/test-support/mongo-target';
import { finishedBatch, retentionBackends, startRetentionHost, statusOf } from './support/retention-host.js';

// What a status answer shows of a batch once retention has run: the real router, engine
// and document inspector behind a listening server, on each store (a SQLite file, and
// MongoDB: MONGODB_URI when set, else the in-process wire test server). A clinic uploads a
// lab report with a patient id; after retention, nothing of the document, its name or
// the patient is in any answer, while the facts a history needs are.

const WORKSPACE = 'clinic-a';
const FILENAME = 'Jane Doe lab results.pdf';
const PATIENT = 'patient-8841';
const ENCOUNTER = 'enc-2026-0042';

const mongo = await mongoTarget();
const scratch = await mkdtemp(join(tmpdir(), 'retention-route-'));
const processor = createInspectProcessor({ maxWorkers: 1 });
let report: Buffer;

before(async () => {
  report = await makeTextPdf(PAGE_WORDS);
});
after(async () => {
  await processor.close();
  await mongo.close();
  await rm(scratch, { recursive: true, force: true });
});

const backends = retentionBackends(scratch, mongo, 'retention');

for (const backend of backends) {
  void describe(`retention through HTTP, on ${backend.name}`, () => {
    void it('after retention, status and history answers no longer carry the text, the PDF title, the filename or the patient id, and keep the facts', async () => {
      const { store, cleanup } = backend.open();
      const host = await startRetentionHost(store, scratch, { processor }, { workspace_id: WORKSPACE });
      try {
        const form = new FormData();
        form.append('files', new Blob([new Uint8Array(report)], { type: 'application/pdf' }), FILENAME);
        form.append('patient_id', PATIENT);
        form.append('encounter_id', ENCOUNTER);
        form.append('template_id', 'lab-report');
        const uploaded = await fetch(`${host.api}/batch-upload`, { method: 'POST', body: form });
        assert.equal(uploaded.status, 202);
        const { batch_id } = (await uploaded.json()) as UploadResponse;

        const kept = await finishedBatch(host.api, batch_id);
        const keptResult = kept.files[0]!.result as InspectionResult;
        assert.equal(kept.files[0]!.filename, FILENAME);
        assert.equal(kept.patient_id, PATIENT);
        assert.match(keptResult.text ?? '', /Glucose fasting/);
        assert.equal(keptResult.metadata?.title, PDF_INFO.title);
        assert.equal(kept.files[0]!.purged_at, undefined);
        assert.equal(kept.purged_at, undefined);
        const before = await statusOf(host.api, batch_id);

        const swept = await host.engine.sweepRetention();
        assert.deepEqual(swept, { blobs: 1, contents: 1, batches: 0 });

        const after = await statusOf(host.api, batch_id, before.etag!);
        assert.equal(after.code, 200, 'the ETag of the answer from before no longer matches');
        for (const gone of [FILENAME, 'Jane Doe', PATIENT, ENCOUNTER, PDF_INFO.title, PDF_INFO.author, ...PAGE_WORDS, 'Reference range']) {
          assert.ok(!after.text.includes(gone), `"${gone}" is no longer in the status answer`);
        }
        const batch = (JSON.parse(after.text) as BatchStatusResponse).batch;
        assert.equal(batch.patient_id, null);
        assert.equal(batch.encounter_id, null);
        assert.equal(batch.template_id, 'lab-report');
        assert.ok(batch.purged_at && Date.parse(batch.purged_at) >= Date.parse(kept.finished_at!));
        assert.equal(batch.status, 'completed');
        assert.deepEqual(batch.progress, kept.progress);
        const file = batch.files[0]!;
        assert.equal(file.filename, PURGED_FILENAME);
        assert.equal(file.purged_at, batch.purged_at);
        assert.deepEqual(file.result, { detected_type: 'application/pdf', bytes: report.length, sha256: keptResult.sha256, pages: PAGE_WORDS.length });
        const { filename: _name, result: _result, purged_at: _purged, ...unchanged } = file;
        const { filename: _n, result: _r, ...before_ } = kept.files[0]!;
        assert.deepEqual(unchanged, before_, 'status, size, type, attempts and times stay');

        const history = await fetch(`${host.api}/batch-history`);
        const listed = ((await history.json()) as BatchHistoryResponse).batches.find((b) => b.id === batch_id);
        assert.equal(listed?.patient_id, null);
        assert.equal(listed?.purged_at, batch.purged_at);
        assert.deepEqual(await host.engine.sweepRetention(), { blobs: 0, contents: 0, batches: 0 }, 'nothing more to remove');
      } finally {
        await host.close();
        await cleanup();
      }
    });
  });
}
