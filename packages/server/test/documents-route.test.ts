import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { DocumentReading, UploadResponse } from '@batch-uploader/protocol';
import { generateCorpus, type Corpus } from '@batch-uploader/test-support/document-corpus';
import { upload, waitForFinished } from '@batch-uploader/test-support/http';
import { nameKey } from '../src/processors/documents/index.js';
import { startTestServer } from './support/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let corpus: Corpus;

before(async () => {
  corpus = await generateCorpus({ count: 10, photos: 1 });
  server = await startTestServer({ builtInProcessor: 'documents' });
});
after(() => server.close());

describe('documents read over HTTP', () => {
  it('a scanned referral letter, a digital discharge summary and a photo: each file completes with result.document', async () => {
    const referral = corpus.documents.find((d) => d.type === 'referral_letter' && d.scan_format === 'jpeg')!;
    const discharge = corpus.documents.find((d) => d.type === 'discharge_summary')!;
    const photo = corpus.documents.find((d) => d.type === 'unknown')!;
    const res = await upload(
      server.api,
      [
        { name: 'referral-scan.jpg', data: await readFile(referral.files.scan) },
        { name: 'discharge.pdf', data: await readFile(discharge.files.digital!) },
        { name: 'wound.jpg', data: await readFile(photo.files.scan) },
      ],
      { patient_id: 'patient-42' },
    );
    assert.equal(res.status, 202);
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await waitForFinished(server.api, batch_id, {}, 120_000);
    assert.equal(batch.status, 'completed');
    const reading = (name: string): DocumentReading => {
      const file = batch.files.find((f) => f.filename === name)!;
      assert.equal(file.status, 'completed', name);
      return (file.result as { document: DocumentReading }).document;
    };

    const scan = reading('referral-scan.jpg');
    assert.equal(scan.type, 'referral_letter');
    assert.equal(scan.text_source, 'ocr');
    assert.equal(nameKey(scan.fields.patient_name ?? ''), nameKey(referral.fields.patient_name!));
    assert.equal(scan.fields.date_of_birth, referral.fields.date_of_birth);

    const digital = reading('discharge.pdf');
    assert.equal(digital.type, 'discharge_summary');
    assert.equal(digital.text_source, 'pdf_text');
    assert.equal(nameKey(digital.fields.patient_name!), nameKey(discharge.fields.patient_name!));
    for (const field of ['date_of_birth', 'nhs_number', 'mrn', 'document_date'] as const) assert.equal(digital.fields[field], discharge.fields[field], field);

    const unknown = reading('wound.jpg');
    assert.equal(unknown.type, 'unknown');
    assert.deepEqual(unknown.fields, {});
  });
});
