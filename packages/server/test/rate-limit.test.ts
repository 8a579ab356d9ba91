import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorResponse, RetryResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { asA, asB, listFiles, twoClinics, upload, waitForFinished } from '@batch-uploader/test-support/http';

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ apiTokens: twoClinics(), uploadRateLimit: 3 });
});
after(() => server.close());

describe('upload rate limit per workspace (UPLOAD_RATE_LIMIT)', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the limit, counting appends, for that workspace only', async () => {
    const first = await upload(
      server.api,
      [
        { name: 'a.png', data: docs.png },
        { name: 'b.png', data: docs.png },
      ],
      {},
      asA,
    );
    assert.equal(first.status, 202);
    assert.match(first.headers.get('ratelimit-policy') ?? '', /^"uploads"; q=3; w=60/);
    const { batch_id } = (await first.json()) as UploadResponse;
    assert.equal((await upload(server.api, [{ name: 'c.png', data: docs.png }], {}, asA)).status, 202);
    const form = new FormData();
    form.append('files', new Blob([docs.png]), 'd.png');
    const appended = await fetch(`${server.api}/batch/${batch_id}/files`, { method: 'POST', body: form, headers: asA });
    assert.ok(appended.status === 202 || appended.status === 409, 'an append counts like an upload');
    const blobsBefore = (await listFiles(server.dataDir)).length;

    const limited = await upload(server.api, [{ name: 'e.png', data: docs.png }], {}, asA);
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, `Retry-After: ${limited.headers.get('retry-after')}`);
    const body = (await limited.json()) as ErrorResponse;
    assertConforms('POST', '/batch-upload', 429, body);
    assert.equal(body.error.code, 'RATE_LIMITED');
    assert.equal(body.error.details?.retry_after_seconds, retryAfter);
    assert.equal((await listFiles(server.dataDir)).length, blobsBefore, 'nothing of a limited upload is kept');

    const form2 = new FormData();
    form2.append('files', new Blob([docs.png]), 'f.png');
    const limitedAppend = await fetch(`${server.api}/batch/${batch_id}/files`, { method: 'POST', body: form2, headers: asA });
    assert.equal(limitedAppend.status, 429);
    assertConforms('POST', '/batch/{batch_id}/files', 429, await limitedAppend.json());

    assert.equal((await upload(server.api, [{ name: 'g.png', data: docs.png }], {}, asB)).status, 202, 'another workspace has its own count');
    assert.equal((await fetch(`${server.api}/batch-history`, { headers: asA })).status, 200, 'reading is not limited');
    const anonymous = await upload(server.api, [{ name: 'h.png', data: docs.png }]);
    assert.equal(anonymous.status, 401, 'authentication comes first');
  });
});

describe('retries count against the upload rate limit', () => {
  it('a retry of failed files uses the same per-workspace counter: past the limit it answers 429 RATE_LIMITED with Retry-After, and so does the next upload', async () => {
    const limited = await startTestServer({ apiTokens: twoClinics(), uploadRateLimit: 2 });
    try {
      // A damaged PDF fails at once and keeps its bytes, so it can be retried.
      const first = await upload(limited.api, [{ name: 'cut.pdf', data: docs.truncatedPdf }], {}, asA);
      assert.equal(first.status, 202);
      const { batch_id } = (await first.json()) as UploadResponse;
      assert.equal((await waitForFinished(limited.api, batch_id, asA)).progress.failed, 1);

      const retry = () => fetch(`${limited.api}/batch/${batch_id}/retry`, { method: 'POST', headers: asA });
      const retried = await retry();
      assert.equal(retried.status, 200);
      assert.equal(((await retried.json()) as RetryResponse).retried, 1);
      assert.match(retried.headers.get('ratelimit') ?? '', /r=0/, 'the retry used the second of two requests');
      await waitForFinished(limited.api, batch_id, asA);

      const again = await retry();
      assert.equal(again.status, 429);
      const retryAfter = Number(again.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, `Retry-After: ${again.headers.get('retry-after')}`);
      const body = (await again.json()) as ErrorResponse;
      assertConforms('POST', '/batch/{batch_id}/retry', 429, body);
      assert.equal(body.error.code, 'RATE_LIMITED');
      assert.equal(body.error.details?.retry_after_seconds, retryAfter);
      assert.equal((await waitForFinished(limited.api, batch_id, asA)).progress.pending, 0, 'the limited retry queued nothing');

      assert.equal((await upload(limited.api, [{ name: 'a.png', data: docs.png }], {}, asA)).status, 429, 'uploads share the counter');
      assert.equal((await upload(limited.api, [{ name: 'b.png', data: docs.png }], {}, asB)).status, 202, 'another workspace has its own count');
    } finally {
      await limited.close();
    }
  });
});
