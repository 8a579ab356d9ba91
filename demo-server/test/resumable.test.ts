import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tus from 'tus-js-client';
import type { CreateBatchResponse, LimitsResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startChild, killHard, stopChild, type Child } from './child-server.js';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { asA, asB, getBatch, tempDir, twoClinics, waitForFinished } from '@batch-uploader/test-support/http';

// The demo server's resumable route as its users meet it: the official tus client in
// Node, bearer tokens of two workspaces, the answers checked against the OpenAPI document.

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ apiTokens: twoClinics(), maxFileSizeMb: 2 });
});
after(() => server.close());

function send(bytes: Uint8Array, metadata: Record<string, string>, headers: Record<string, string> = asA): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(Buffer.from(bytes), {
      endpoint: `${server.api}/uploads`,
      headers,
      metadata,
      chunkSize: 16 * 1024,
      retryDelays: [],
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
    upload.start();
  });
}

describe('resumable uploads on the demo server', () => {
  it('are advertised in GET /limits and documented: POST /batches, then tus-js-client sends three files; after close, 2 completed and 1 failed', async () => {
    const limits = await fetch(`${server.api}/limits`, { headers: asA });
    const limitsBody = (await limits.json()) as LimitsResponse;
    assertConforms('GET', '/limits', 200, limitsBody);
    assert.equal(limitsBody.limits.resumable?.max_size, 2 * 1024 * 1024);
    assert.equal(limitsBody.limits.resumable?.expires_after_seconds, 24 * 3600, 'RESUMABLE_EXPIRE_HOURS defaults to 24');

    const created = await fetch(`${server.api}/batches`, {
      method: 'POST',
      headers: { ...asA, 'content-type': 'application/json' },
      body: '{"patient_id":"P-1001","priority":"high"}',
    });
    assert.equal(created.status, 201);
    const batch = (await created.json()) as CreateBatchResponse;
    assertConforms('POST', '/batches', 201, batch);
    assert.equal(created.headers.get('location'), batch.tracking_url);
    const empty = await getBatch(server.api, batch.batch_id, asA);
    assertConforms('GET', '/batch-status/{batch_id}', 200, { status: 'success', batch: empty });
    assert.equal(empty.total_files, 0);
    assert.equal(empty.accepting_files, true);

    for (const [name, bytes] of [
      ['letter.pdf', docs.pdf],
      ['photo.png', docs.png],
      ['broken.pdf', docs.truncatedPdf],
    ] as const) {
      await send(bytes, { batch_id: batch.batch_id, filename: name });
    }
    await assert.rejects(send(docs.png, { batch_id: batch.batch_id }, asB), /response code: 404/, 'another workspace cannot add to it');
    assert.equal((await fetch(`${server.api}/batch/${batch.batch_id}/close`, { method: 'POST', headers: asA })).status, 200);
    const finished = await waitForFinished(server.api, batch.batch_id, asA);
    assert.deepEqual(
      finished.files.map((file) => [file.filename, file.status]),
      [
        ['letter.pdf', 'completed'],
        ['photo.png', 'completed'],
        ['broken.pdf', 'failed'],
      ],
    );
    assert.equal(finished.patient_id, 'P-1001');
    assert.deepEqual(await readdir(join(server.dataDir, 'resumable')), [], 'finished uploads leave nothing behind');
  });
});

describe('a resumable upload across a crash', () => {
  it('after kill -9 mid-upload and a restart on the same data, the upload continues from the stored offset and completes its batch', async () => {
    const dataDir = await tempDir();
    const env = { DATA_DIR: dataDir };
    // A document sent as two parts: the server dies after the first.
    const big = Buffer.from(docs.pdf);
    const first = await startChild(env);
    let second: Child | null = null;
    try {
      const { batch_id } = (await (await fetch(`${first.api}/batches`, { method: 'POST' })).json()) as CreateBatchResponse;
      const created = await fetch(`${first.api}/uploads`, {
        method: 'POST',
        headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(big.length), 'Upload-Metadata': `batch_id ${Buffer.from(batch_id).toString('base64')}` },
      });
      assert.equal(created.status, 201);
      const location = created.headers.get('location')!;
      const half = Math.floor(big.length / 2);
      const part = await fetch(new URL(location, first.api), {
        method: 'PATCH',
        headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
        body: new Uint8Array(big.subarray(0, half)),
      });
      assert.equal(part.status, 204);
      await killHard(first);

      second = await startChild(env);
      const head = await fetch(new URL(location, second.api), { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('upload-offset'), String(half), 'the bytes stored before the kill are kept');
      const rest = await fetch(new URL(location, second.api), {
        method: 'PATCH',
        headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(half), 'Content-Type': 'application/offset+octet-stream' },
        body: new Uint8Array(big.subarray(half)),
      });
      assert.equal(rest.status, 204);
      await fetch(`${second.api}/batch/${batch_id}/close`, { method: 'POST' });
      const batch = await waitForFinished(second.api, batch_id, {}, 30_000);
      assert.deepEqual(
        batch.files.map((file) => [file.status, file.size]),
        [['completed', big.length]],
      );
    } finally {
      await killHard(first);
      if (second) await stopChild(second);
    }
  });
});
