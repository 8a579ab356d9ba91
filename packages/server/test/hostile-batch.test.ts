import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UploadResponse } from '@batch-uploader/protocol';
import { makeImage } from '@batch-uploader/test-support/documents';
import { JPEG_END, makeFlateBombPdf, makeOneStripTiffBomb, truncations, withClaimedJpegSize } from '@batch-uploader/test-support/hostile-files';
import { startTestServer } from './support/test-server.js';
import { upload, waitForFinished } from '@batch-uploader/test-support/http';

let server: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  server = await startTestServer({ concurrency: 4, processingDelayMs: 0 });
});
after(() => server.close());

describe('hostile files in one batch', () => {
  it('41 damaged JPEGs processed 4 at a time: none completes', async () => {
    const whole = await makeImage('jpeg', { width: 300, height: 200 });
    const damaged = [...truncations(whole, 20), ...truncations(whole, 20, JPEG_END), withClaimedJpegSize(await makeImage('jpeg'), 9999, 10_000)];
    const res = await upload(
      server.api,
      damaged.map((data, i) => ({ name: `scan-${i + 1}.jpg`, data: new Uint8Array(data) })),
    );
    assert.equal(res.status, 202);
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await waitForFinished(server.api, batch_id, {}, 60_000);
    assert.deepEqual(batch.progress, {
      pending: 0,
      processing: 0,
      completed: 0,
      failed: 41,
      cancelled: 0,
      needs_review: 0,
      rejected_at_review: 0,
      percent: 100,
    });
    assert.ok(batch.files.every((file) => file.error?.code === 'CORRUPT_FILE'));
  });

  it('decompression bombs fail at once with TOO_COMPLEX and a readable reason, and the good file completes', async () => {
    const res = await upload(server.api, [
      { name: 'bomb.pdf', data: new Uint8Array(makeFlateBombPdf()) },
      { name: 'fax.tif', data: new Uint8Array(makeOneStripTiffBomb()) },
      { name: 'scan.png', data: new Uint8Array(await makeImage('png')) },
    ]);
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await waitForFinished(server.api, batch_id, {}, 60_000);
    const outcomes = Object.fromEntries(batch.files.map((file) => [file.filename, [file.error?.code ?? file.status, file.attempts]]));
    assert.deepEqual(outcomes, { 'bomb.pdf': ['TOO_COMPLEX', 1], 'fax.tif': ['TOO_COMPLEX', 1], 'scan.png': ['completed', 1] });
    assert.equal(batch.files[0]!.error?.message, 'The file is too large or complex to process.');
  });
});
