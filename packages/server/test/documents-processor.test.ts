import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { DocumentReading } from '@batch-uploader/protocol';
import { generateCorpus, type Corpus, type CorpusDocument } from '@batch-uploader/test-support/document-corpus';
import { makeTextPdf } from '@batch-uploader/test-support/documents';
import { isPermanentError, type ProcessorContext, type ProcessorFile } from '../src/processors/processor.js';
import { createDocumentsProcessor, nameKey, type DocumentsProcessor } from '../src/processors/documents/index.js';

function fileOf(bytes: Buffer): ProcessorFile {
  return {
    file_id: 'file-1',
    batch_id: 'batch-1',
    filename: 'document',
    size: bytes.length,
    detected_type: null,
    declared_type: null,
    open: () => Readable.from([Buffer.from(bytes)]),
    read: async () => Buffer.from(bytes),
  };
}

function contextOf(template_id: string | null = null): ProcessorContext {
  return { signal: new AbortController().signal, attempt: 1, workspace_id: 'ws-1', patient_id: null, template_id, encounter_id: null };
}

/** The truth's fields the reading got right (names compared as the guard compares them). */
function rightFields(document: CorpusDocument, reading: DocumentReading): string[] {
  return Object.entries(document.fields)
    .filter(([name, value]) => {
      const got = reading.fields[name];
      return got !== undefined && (name === 'patient_name' || name === 'author' ? nameKey(got) === nameKey(value) : got === value);
    })
    .map(([name]) => name);
}

let corpus: Corpus;
let processor: DocumentsProcessor;

before(async () => {
  // Two documents of each type (one of each scan format), and a photo.
  corpus = await generateCorpus({ count: 10, photos: 1 });
  processor = createDocumentsProcessor({ maxWorkers: 2 });
});

after(() => processor.close());

describe('the documents processor over the generated corpus', () => {
  test('digital PDFs: type and every field of the ground truth, from the text layer; the inspector facts kept', async () => {
    for (const document of corpus.documents.filter((d) => d.files.digital)) {
      const bytes = await readFile(document.files.digital!);
      const result = await processor(fileOf(bytes), contextOf());
      assert.equal(result.detected_type, 'application/pdf');
      assert.equal(result.pages, 1);
      assert.match(result.sha256, /^[0-9a-f]{64}$/);
      assert.equal(result.document.text_source, 'pdf_text', document.id);
      assert.equal(result.document.type, document.type, document.id);
      assert.equal(result.document.template_id, document.type);
      assert.ok(result.document.confidence > 0 && result.document.confidence <= 1);
      assert.deepEqual(rightFields(document, result.document).sort(), Object.keys(document.fields).sort(), document.id);
    }
  });

  test('scans (JPEG and image-only PDF): type by OCR, fields nearly all right, never an NHS number that is wrong', async () => {
    let truth = 0;
    let right = 0;
    for (const document of corpus.documents.filter((d) => d.type !== 'unknown')) {
      const result = await processor(fileOf(await readFile(document.files.scan)), contextOf());
      assert.equal(result.detected_type, document.scan_format === 'jpeg' ? 'image/jpeg' : 'application/pdf');
      assert.equal(result.document.text_source, 'ocr', document.id);
      assert.equal(result.document.type, document.type, document.id);
      const nhs = result.document.fields.nhs_number;
      if (nhs !== undefined) assert.equal(nhs, document.fields.nhs_number, document.id);
      truth += Object.keys(document.fields).length;
      right += rightFields(document, result.document).length;
    }
    assert.ok(right / truth >= 0.85, `${right} of ${truth} fields right`);
  });

  test('a photo with no text completes as unknown, with no fields', async () => {
    const photo = corpus.documents.find((d) => d.type === 'unknown')!;
    const result = await processor(fileOf(await readFile(photo.files.scan)), contextOf());
    assert.equal(result.detected_type, 'image/jpeg');
    assert.equal(result.document.type, 'unknown');
    assert.equal(result.document.template_id, null);
    assert.ok(result.document.text_source === 'none' || result.document.text_source === 'ocr');
    assert.deepEqual(result.document.fields, {});
  });

  test('template_id picks the template, whatever the text says; an id no template has is classified', async () => {
    const referral = corpus.documents.find((d) => d.type === 'referral_letter')!;
    const bytes = await readFile(referral.files.digital!);
    const picked = await processor(fileOf(bytes), contextOf('lab_report'));
    assert.equal(picked.document.type, 'lab_report');
    assert.equal(picked.document.template_id, 'lab_report');
    assert.equal(nameKey(picked.document.fields.patient_name!), nameKey(referral.fields.patient_name!));
    const unknownId = await processor(fileOf(bytes), contextOf('no-such-template'));
    assert.equal(unknownId.document.type, 'referral_letter');
  });

  test("a workspace's own template recognises its type and reads its own field", async () => {
    const own = createDocumentsProcessor({
      maxWorkers: 1,
      templates: [
        {
          id: 'ecg',
          type: 'ecg_report',
          recognise: { min_score: 3, patterns: [{ pattern: '\\bECG\\b', weight: 3 }] },
          fields: { heart_rate: [{ pattern: 'ventricular rate:?\\s*(?<value>\\d{2,3})', validate: 'text' }] },
        },
      ],
    });
    try {
      const bytes = await makeTextPdf(['ECG   Patient: Jane DOE   DOB: 12/03/1961   Ventricular rate: 72 bpm'], {});
      const result = await own(fileOf(bytes), contextOf());
      assert.equal(result.document.type, 'ecg_report');
      assert.equal(result.document.fields.heart_rate, '72');
      assert.equal(result.document.fields.date_of_birth, '1961-03-12');
    } finally {
      await own.close();
    }
  });

  test('a damaged file still fails as the inspector fails it; bad options and templates are refused', async () => {
    const bytes = await readFile(corpus.documents[0]!.files.digital!);
    await assert.rejects(
      processor(fileOf(bytes.subarray(0, bytes.length - 40)), contextOf()),
      (error: unknown) => isPermanentError(error) && error.code === 'CORRUPT_FILE',
    );
    assert.throws(() => createDocumentsProcessor({ maxReadPages: 0 }), RangeError);
    assert.throws(() => createDocumentsProcessor({ templates: [{ id: 'x', type: 'x', recognise: { min_score: 1, patterns: [] } }] }), /recognise\.patterns/);
  });
});
