import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchHistoryResponse, ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { asA, asB, getBatch, TOKEN_A, twoClinics, upload } from '@batch-uploader/test-support/http';

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ apiTokens: twoClinics() });
});
after(() => server.close());

describe('authentication and workspaces', () => {
  it('answers 401 without a valid bearer token, on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const requests: [string, string, RequestInit][] = [
      ['/batch-upload', 'POST', { method: 'POST', body: new FormData() }],
      [`/batch-status/${id}`, 'GET', {}],
      ['/batch-history', 'GET', {}],
      [`/batch/${id}/cancel`, 'POST', { method: 'POST' }],
      [`/batch/${id}/pause`, 'POST', { method: 'POST' }],
      [`/batch/${id}/resume`, 'POST', { method: 'POST' }],
      [`/batch/${id}/retry`, 'POST', { method: 'POST' }],
      [`/batch/${id}/files`, 'POST', { method: 'POST', body: new FormData() }],
      ['/batch-analytics', 'GET', {}],
      [`/batch-events/${id}`, 'GET', {}],
      ['/limits', 'GET', {}],
    ];
    const headerSets: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: TOKEN_A },
      { authorization: 'Basic abc' },
    ];
    for (const headers of headerSets) {
      for (const [path, , init] of requests) {
        const res = await fetch(server.api + path, { ...init, headers });
        assert.equal(res.status, 401, `${path} with ${JSON.stringify(headers)}`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
        const body = (await res.json()) as ErrorResponse;
        assert.equal(body.error.code, 'UNAUTHORIZED');
      }
    }
    const res = await fetch(`${server.api}/batch-history`);
    assertConforms('GET', '/batch-history', 401, await res.json());
  });

  it("keeps each workspace's batches invisible to the others", async () => {
    const res = await upload(server.api, [{ name: 'a.png', data: docs.png }], { patient_id: 'patient-a' }, asA);
    assert.equal(res.status, 202);
    const { batch_id } = (await res.json()) as UploadResponse;

    assert.equal((await getBatch(server.api, batch_id, asA)).id, batch_id);
    const notFound = async (res: Response) => {
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as ErrorResponse).error.code, 'BATCH_NOT_FOUND');
    };
    await notFound(await fetch(`${server.api}/batch-status/${batch_id}`, { headers: asB }));
    await notFound(await fetch(`${server.api}/batch/${batch_id}/cancel`, { method: 'POST', headers: asB }));
    await notFound(await fetch(`${server.api}/batch-events/${batch_id}`, { headers: asB }));

    const historyB = (await (await fetch(`${server.api}/batch-history`, { headers: asB })).json()) as BatchHistoryResponse;
    assert.ok(!historyB.batches.some((b) => b.id === batch_id));
    const historyA = (await (await fetch(`${server.api}/batch-history`, { headers: asA })).json()) as BatchHistoryResponse;
    assert.ok(historyA.batches.some((b) => b.id === batch_id));
  });
});
