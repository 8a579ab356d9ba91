import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AppendResponse, ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { asA, asB, getBatch, listFiles, twoClinics, upload, waitForFinished, type UploadPart } from '@batch-uploader/test-support/http';

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ apiTokens: twoClinics(), maxFiles: 6, maxFileSizeMb: 1, processingDelayMs: 300, concurrency: 1 });
});
after(() => server.close());

/** Posts files (and optional fields) to the append route the way a browser form does. */
async function append(batchId: string, files: UploadPart[], headers: Record<string, string> = asA, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const file of files) form.append('files', new Blob([file.data]), file.name);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const res = await fetch(`${server.api}/batch/${batchId}/files`, { method: 'POST', body: form, headers });
  return { status: res.status, body: (await res.json()) as unknown, location: res.headers.get('location') };
}

/** A batch of `count` (at least 2) PNGs, paused at once so that it stays open for the test. */
async function pausedBatch(count: number): Promise<string> {
  const res = await upload(
    server.api,
    Array.from({ length: count }, (_, i) => ({ name: `first-${i}.png`, data: docs.png })),
    {},
    asA,
  );
  const { batch_id } = (await res.json()) as UploadResponse;
  await fetch(`${server.api}/batch/${batch_id}/pause`, { method: 'POST', headers: asA });
  return batch_id;
}

async function resume(batchId: string): Promise<void> {
  await fetch(`${server.api}/batch/${batchId}/resume`, { method: 'POST', headers: asA });
}

describe('appending files to an open batch', () => {
  it("adds files after the batch's own, with the same type checks, and processes them", async () => {
    const batchId = await pausedBatch(2);
    const answer = await append(batchId, [
      { name: 'second-0.pdf', data: docs.pdf },
      { name: 'not-a-pdf.pdf', data: docs.exe },
      { name: 'second-2.jpg', data: docs.jpeg },
    ]);
    assert.equal(answer.status, 202);
    assertConforms('POST', '/batch/{batch_id}/files', 202, answer.body);
    const body = answer.body as AppendResponse;
    assert.equal(body.appended_files, 3);
    assert.equal(body.total_files, 5);
    assert.equal(answer.location, body.tracking_url);

    const batch = await getBatch(server.api, batchId, asA);
    assert.equal(batch.total_files, 5);
    assert.deepEqual(
      batch.files.map((f) => f.filename),
      ['first-0.png', 'first-1.png', 'second-0.pdf', 'not-a-pdf.pdf', 'second-2.jpg'],
    );
    assert.deepEqual(
      batch.files.slice(2).map((f) => f.file_id),
      body.file_ids,
    );

    await resume(batchId);
    const finished = await waitForFinished(server.api, batchId, asA);
    assert.deepEqual(
      finished.files.map((f) => f.error?.code ?? f.status),
      ['completed', 'completed', 'completed', 'UNSUPPORTED_TYPE', 'completed'],
    );
    assert.deepEqual(finished.progress, {
      pending: 0,
      processing: 0,
      completed: 4,
      failed: 1,
      cancelled: 0,
      needs_review: 0,
      rejected_at_review: 0,
      percent: 100,
    });
  });

  it('counts every file of the batch against its limit, says how many more fit, and keeps nothing of a refused request', async () => {
    const batchId = await pausedBatch(4);
    const blobsBefore = (await listFiles(join(server.dataDir, 'files'))).length;
    const refused = await append(
      batchId,
      Array.from({ length: 3 }, (_, i) => ({ name: `x${i}.png`, data: docs.png })),
    );
    assert.equal(refused.status, 400);
    assertConforms('POST', '/batch/{batch_id}/files', 400, refused.body);
    const error = (refused.body as ErrorResponse).error;
    assert.equal(error.code, 'TOO_MANY_FILES');
    assert.deepEqual(error.details, { max_files: 6, total_files: 4 });
    assert.match(error.message, /holds 4 of at most 6 files, so at most 2 more can be added/);
    assert.equal((await getBatch(server.api, batchId, asA)).total_files, 4);
    assert.equal((await listFiles(join(server.dataDir, 'files'))).length, blobsBefore, 'no bytes were kept');
    assert.deepEqual(await listFiles(join(server.dataDir, 'uploads')), []);

    assert.equal(
      (
        await append(batchId, [
          { name: 'y.png', data: docs.png },
          { name: 'z.png', data: docs.png },
        ])
      ).status,
      202,
    );
    const full = await append(batchId, [{ name: 'w.png', data: docs.png }]);
    assert.match((full.body as ErrorResponse).error.message, /no more can be added/);
    await resume(batchId);
    await waitForFinished(server.api, batchId, asA);
  });

  it("answers 409 for a finished or cancelled batch, 404 for another workspace's, and the upload errors for bad forms", async () => {
    const done = (await (await upload(server.api, [{ name: 'd.png', data: docs.png }], {}, asA)).json()) as UploadResponse;
    await waitForFinished(server.api, done.batch_id, asA);
    const finished = await append(done.batch_id, [{ name: 'late.png', data: docs.png }]);
    assert.equal(finished.status, 409);
    assertConforms('POST', '/batch/{batch_id}/files', 409, finished.body);
    assert.equal((finished.body as ErrorResponse).error.code, 'BATCH_NOT_OPEN');

    const open = await pausedBatch(2);
    const stranger = await append(open, [{ name: 's.png', data: docs.png }], asB);
    assert.equal(stranger.status, 404);
    assertConforms('POST', '/batch/{batch_id}/files', 404, stranger.body);

    const field = await append(open, [{ name: 'f.png', data: docs.png }], asA, { patient_id: 'P-1' });
    assert.equal(field.status, 400);
    assert.equal((field.body as ErrorResponse).error.code, 'INVALID_FIELD');
    const none = await append(open, []);
    assert.equal(none.status, 400);
    assert.equal((none.body as ErrorResponse).error.code, 'NO_FILES');
    const unsupported = await append(open, [{ name: 'a.pdf', data: docs.exe }]);
    assert.equal(unsupported.status, 415);
    assertConforms('POST', '/batch/{batch_id}/files', 415, unsupported.body);
    const large = await append(open, [{ name: 'big.pdf', data: new Uint8Array(2 * 1024 * 1024) }]);
    assert.equal(large.status, 413);
    assertConforms('POST', '/batch/{batch_id}/files', 413, large.body);
    assert.equal((await getBatch(server.api, open, asA)).total_files, 2, 'no refused request added a file');

    await fetch(`${server.api}/batch/${open}/cancel`, { method: 'POST', headers: asA });
    const cancelled = await append(open, [{ name: 'c.png', data: docs.png }]);
    assert.equal(cancelled.status, 409);
  });
});
