import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorResponse, RetryResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { upload, waitForFinished } from '@batch-uploader/test-support/http';

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ processingDelayMs: 0 });
});
after(() => server.close());

async function retry(batchId: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.api}/batch/${batchId}/retry`, { method: 'POST' });
  return { status: res.status, body: await res.json() };
}

async function uploaded(files: { name: string; data: Uint8Array<ArrayBuffer> }[]): Promise<string> {
  const res = await upload(server.api, files);
  assert.equal(res.status, 202);
  return ((await res.json()) as UploadResponse).batch_id;
}

describe('retrying failed files', () => {
  it('puts failed files back with attempts reset and reopens the batch; refused files stay failed and are counted', async () => {
    const batchId = await uploaded([
      { name: 'broken.pdf', data: docs.truncatedPdf },
      { name: 'program.pdf', data: docs.exe },
      { name: 'fine.png', data: docs.png },
    ]);
    const first = await waitForFinished(server.api, batchId);
    assert.deepEqual(
      first.files.map((f) => f.error?.code ?? f.status),
      ['CORRUPT_FILE', 'UNSUPPORTED_TYPE', 'completed'],
    );

    const answer = await retry(batchId);
    assert.equal(answer.status, 200);
    assertConforms('POST', '/batch/{batch_id}/retry', 200, answer.body);
    const body = answer.body as RetryResponse;
    assert.equal(body.retried, 1);
    assert.equal(body.not_retryable, 1, 'the file refused at upload has no bytes to run again');
    assert.equal(body.batch.finished_at, null, 'the batch is open again');
    const retried = body.batch.files[0]!;
    assert.ok(retried.status === 'pending' || retried.status === 'processing');
    assert.equal(retried.error, undefined, 'the error is cleared');
    assert.equal(body.batch.files[1]!.status, 'failed');
    assert.equal(body.batch.files[2]!.status, 'completed');

    const second = await waitForFinished(server.api, batchId);
    assert.equal(second.files[0]!.error?.code, 'CORRUPT_FILE', 'a damaged file fails again, with its reason');
    assert.equal(second.files[0]!.attempts, 1, 'attempts started again from 0');
    assert.ok(second.finished_at && second.finished_at >= first.finished_at!);
  });

  it('answers 409 NOTHING_TO_RETRY when no failed file can run again', async () => {
    const allGood = await uploaded([{ name: 'ok.png', data: docs.png }]);
    await waitForFinished(server.api, allGood);
    const none = await retry(allGood);
    assert.equal(none.status, 409);
    assertConforms('POST', '/batch/{batch_id}/retry', 409, none.body);
    assert.equal((none.body as ErrorResponse).error.code, 'NOTHING_TO_RETRY');
    assert.deepEqual((none.body as ErrorResponse).error.details, { not_retryable: 0 });

    const refusedOnly = await uploaded([
      { name: 'x.pdf', data: docs.exe },
      { name: 'ok.png', data: docs.png },
    ]);
    await waitForFinished(server.api, refusedOnly);
    const refused = await retry(refusedOnly);
    assert.equal(refused.status, 409);
    const error = (refused.body as ErrorResponse).error;
    assert.equal(error.code, 'NOTHING_TO_RETRY');
    assert.deepEqual(error.details, { not_retryable: 1 });
    assert.match(error.message, /no stored copy/);
  });

  it('answers 409 BATCH_CANCELLED for a cancelled batch, 404 for an unknown one', async () => {
    const slow = await startTestServer({ processingDelayMs: 300, concurrency: 1 });
    try {
      const res = await upload(slow.api, [
        { name: 'a.pdf', data: docs.truncatedPdf },
        { name: 'b.png', data: docs.png },
        { name: 'c.png', data: docs.png },
      ]);
      const { batch_id } = (await res.json()) as UploadResponse;
      await fetch(`${slow.api}/batch/${batch_id}/cancel`, { method: 'POST' });
      await waitForFinished(slow.api, batch_id);
      const cancelled = await fetch(`${slow.api}/batch/${batch_id}/retry`, { method: 'POST' });
      assert.equal(cancelled.status, 409);
      const body = await cancelled.json();
      assertConforms('POST', '/batch/{batch_id}/retry', 409, body);
      assert.equal((body as ErrorResponse).error.code, 'BATCH_CANCELLED');
    } finally {
      await slow.close();
    }
    const unknown = await retry('00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
    assertConforms('POST', '/batch/{batch_id}/retry', 404, unknown.body);
  });
});
