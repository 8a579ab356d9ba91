import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startTestServer } from './support/test-server.js';
import { upload, waitForFinished } from '@batch-uploader/test-support/http';

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer();
});
after(() => server.close());

describe('processing a mixed batch', () => {
  it('fails exactly the bad files, each with a reason, and completes the rest', async () => {
    const files = [
      { name: 'report.pdf', data: docs.pdf },
      { name: 'half.pdf', data: docs.truncatedPdf },
      { name: 'scan.png', data: docs.png },
      { name: 'photo.jpg', data: docs.truncatedJpeg },
      { name: 'invoice.pdf', data: docs.exe, type: 'application/pdf' },
      { name: 'xray.jpg', data: docs.jpeg },
      { name: 'letter.pdf', data: docs.pdf3 },
      { name: 'fax.tif', data: docs.tiff },
    ];
    const res = await upload(server.api, files, { patient_id: 'patient-42' });
    assert.equal(res.status, 202);
    const { batch_id, total_files } = (await res.json()) as UploadResponse;
    assert.equal(total_files, 8);

    const batch = await waitForFinished(server.api, batch_id);
    const failed = Object.fromEntries(batch.files.filter((f) => f.status === 'failed').map((f) => [f.filename, f.error?.code]));
    assert.deepEqual(failed, { 'half.pdf': 'CORRUPT_FILE', 'photo.jpg': 'CORRUPT_FILE', 'invoice.pdf': 'UNSUPPORTED_TYPE' });
    assert.equal(batch.status, 'completed', 'a batch with some failures still completes');
    assert.deepEqual(batch.progress, {
      pending: 0,
      processing: 0,
      completed: 5,
      failed: 3,
      cancelled: 0,
      needs_review: 0,
      rejected_at_review: 0,
      percent: 100,
    });
    for (const file of batch.files.filter((f) => f.status === 'failed')) {
      assert.ok(file.error!.message.length > 15, 'a clerk-readable reason');
      assert.equal(file.result, undefined);
    }
    const exe = batch.files.find((f) => f.filename === 'invoice.pdf')!;
    assert.equal(exe.attempts, 0, 'an unaccepted type is refused at upload and never processed');
    assert.notEqual(exe.detected_type, 'application/pdf', 'the type comes from the bytes, not the name or MIME type');
  });

  it('marks a batch failed when every file failed', async () => {
    const res = await upload(server.api, [
      { name: 'a.pdf', data: docs.truncatedPdf },
      { name: 'b.jpg', data: docs.truncatedJpeg },
    ]);
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await waitForFinished(server.api, batch_id);
    assert.equal(batch.status, 'failed');
    assert.equal(batch.progress.failed, 2);
  });
});
