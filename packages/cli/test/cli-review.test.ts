/**
 * The `batch-upload` bin and the server's wrong-patient guard: the real demo server knows
 * the batch's patient (a registry) and a processing service reads each PDF's patient
 * fields, so a letter about someone else is held for review. The end report names such
 * files by the path the user gave and the reason code only — never what the document says
 * about a patient — and `--json` lists them.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BatchClient } from '@batch-uploader/sdk';
import type { Batch } from '@batch-uploader/protocol';
import type { JsonReport } from '../src/json-report.js';
import { reviewLines, reviewReport } from '../src/review-report.js';
import { letterPdf } from '@batch-uploader/test-support/patient-letters';
import { startDemoServer, type TestDemoServer } from '@batch-uploader/test-support/demo-server';
import { runScript } from '@batch-uploader/test-support/processes';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const JANE = { name: 'Jane Doe', date_of_birth: '1980-03-07', nhs_number: '9990000018' };
const JOHN = { name: 'John Smith', date_of_birth: '1955-11-30', nhs_number: '9990011389' };

describe('batch-upload CLI and documents held for review', () => {
  let demo: TestDemoServer;
  let service: { url: string; close(): Promise<void> };
  let docs: string;
  before(async () => {
    const { startProcessingService } = await import('@batch-uploader/test-support/processing-service');
    service = await startProcessingService({ documentFields: true });
    demo = await startDemoServer({ processorUrl: service.url, patients: [{ patient_id: 'P-1001', ...JANE }], concurrency: 1 });
    docs = await mkdtemp(join(tmpdir(), 'cli-review-'));
    await mkdir(join(docs, 'letters'));
    await writeFile(join(docs, 'letters', 'referral.pdf'), await letterPdf('Letter', JANE));
    await writeFile(join(docs, 'letters', 'clinic-letter.pdf'), await letterPdf('Letter', JOHN));
  });
  after(async () => {
    await demo?.close();
    await service?.close();
    await rm(docs, { recursive: true, force: true });
  });

  it('names the file held for review by its path, with its code, in the end report and in --json; no patient data', async () => {
    const human = await runScript(bin, ['--endpoint', demo.api, '--patient-id', 'P-1001', './letters'], { BATCH_UPLOAD_TOKEN: '' }, docs);
    assert.match(
      human.stdout,
      /1 document held for review \(it may name another patient\): confirm or reject in the clinic screen:\n {2}letters\/clinic-letter\.pdf \(PATIENT_MISMATCH\)\n/,
    );
    assert.match(human.stdout, /2 files: 2 succeeded, 0 failed, 1 to review\./);
    // Neither patient's name, date of birth or NHS number, nor the server's sentence about the fields.
    assert.doesNotMatch(human.stdout + human.stderr, /John|Smith|Jane|1955|9990011389|P-1001|differs/);

    const json = await runScript(bin, ['--endpoint', demo.api, '--json', '--patient-id', 'P-1001', './letters'], { BATCH_UPLOAD_TOKEN: '' }, docs);
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.deepEqual(
      report.review.held.map((f) => [f.path, f.code]),
      [['letters/clinic-letter.pdf', 'PATIENT_MISMATCH']],
    );
    assert.deepEqual(report.review.rejected, []);
    const held = report.batches[0]!.files.find((f) => f.file_id === report.review.held[0]!.file_id)!;
    assert.equal(held.needs_review, true);
    const document = (held.result as { document?: Record<string, unknown> }).document;
    assert.equal(document?.type !== undefined && !('fields' in document), true, 'the document type stays, the fields read from it go');
    assert.doesNotMatch(json.stdout, /John|Smith|1955-11-30|9990011389|P-1001/);
  });

  it('a file rejected at review is listed apart, after staff decided on the server', async () => {
    const json = await runScript(bin, ['--endpoint', demo.api, '--json', '--patient-id', 'P-1001', './letters'], { BATCH_UPLOAD_TOKEN: '' }, docs);
    const report = JSON.parse(json.stdout) as JsonReport;
    const { batch_id, file_id } = report.review.held[0]!;
    const client = new BatchClient({ endpoint: demo.api });
    await client.reviewFile(batch_id, file_id, 'reject');
    const batch: Batch = await client.getBatch(batch_id);
    const paths = new Map([[batch_id, report.batches[0]!.files.map((f) => f.path)]]);
    const review = reviewReport([batch], paths);
    assert.deepEqual([review.held, review.rejected.map((f) => f.path)], [[], ['letters/clinic-letter.pdf']]);
    assert.deepEqual(reviewLines(review), ['1 document rejected at review: not filed to this patient:', '  letters/clinic-letter.pdf (PATIENT_MISMATCH)']);
  });
});
