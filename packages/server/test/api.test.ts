import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Batch, BatchHistoryResponse, BatchStatusResponse, LimitsResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { getBatch, upload, waitForFinished } from '@batch-uploader/test-support/http';

/** A GET that leaves the body as sent (fetch would decompress it). */
async function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => get(url, { headers }, resolve).on('error', reject));
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
}

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ processingDelayMs: 0 });
});
after(() => server.close());

describe('the original API', () => {
  it('answers the original curl upload example with 202 and the original fields', async () => {
    const res = await upload(
      server.api,
      [
        { name: 'file1.pdf', data: docs.pdf, type: 'application/pdf' },
        { name: 'file2.pdf', data: docs.pdf3, type: 'application/pdf' },
        { name: 'file3.pdf', data: docs.pdf, type: 'application/pdf' },
      ],
      { patient_id: 'patient-123' },
    );
    assert.equal(res.status, 202);
    const body = (await res.json()) as UploadResponse;
    assertConforms('POST', '/batch-upload', 202, body);
    assert.equal(body.status, 'success');
    assert.equal(body.total_files, 3);
    assert.equal(body.message, 'Batch upload initiated. Processing 3 files in background.');
    assert.equal(body.tracking_url, `/api/gp/batch-status/${body.batch_id}`);
    assert.equal(res.headers.get('location'), body.tracking_url);

    const status = await fetch(server.url + body.tracking_url);
    assert.equal(status.status, 200);
    const statusBody = (await status.json()) as BatchStatusResponse;
    assertConforms('GET', '/batch-status/{batch_id}', 200, statusBody);
    const { batch } = statusBody;
    assert.equal(batch.id, body.batch_id);
    assert.equal(batch.total_files, 3);
    assert.deepEqual(
      batch.files.map((f) => f.filename),
      ['file1.pdf', 'file2.pdf', 'file3.pdf'],
    );
    for (const key of ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const) {
      assert.equal(typeof batch.progress[key], 'number');
    }
    assert.equal(batch.patient_id, 'patient-123');
  });

  it('processes a batch to completion with real facts about each document', async () => {
    const res = await upload(
      server.api,
      [
        { name: 'letter.pdf', data: docs.pdf3 },
        { name: 'scan.png', data: docs.png },
        { name: 'photo.jpg', data: docs.jpeg },
        { name: 'fax.tiff', data: docs.tiff },
        { name: 'image.webp', data: docs.webp },
      ],
      { template_id: 'referral', encounter_id: 'enc-9' },
    );
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await waitForFinished(server.api, batch_id);
    assertConforms('GET', '/batch-status/{batch_id}', 200, { status: 'success', batch });
    assert.equal(batch.status, 'completed');
    assert.deepEqual(batch.progress, {
      pending: 0,
      processing: 0,
      completed: 5,
      failed: 0,
      cancelled: 0,
      needs_review: 0,
      rejected_at_review: 0,
      percent: 100,
    });
    assert.deepEqual(
      batch.files.map((f) => f.detected_type),
      ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'image/webp'],
    );
    const pdf = batch.files[0]!.result as { pages: number; sha256: string; bytes: number };
    assert.equal(pdf.pages, 3);
    assert.equal(pdf.bytes, docs.pdf3.length);
    assert.match(pdf.sha256, /^[0-9a-f]{64}$/);
    const png = batch.files[1]!.result as { width: number; height: number };
    assert.ok(png.width > 0 && png.height > 0);
    assert.equal(batch.template_id, 'referral');
    assert.equal(batch.encounter_id, 'enc-9');
    assert.ok(batch.finished_at);
  });

  it('lists the workspace history newest first, in pages without gaps or repeats', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await upload(server.api, [{ name: `h${i}.png`, data: docs.png }]);
      created.push(((await res.json()) as UploadResponse).batch_id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `${server.api}/batch-history?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await fetch(url);
      assert.equal(res.status, 200);
      const page = (await res.json()) as BatchHistoryResponse;
      assertConforms('GET', '/batch-history', 200, page);
      assert.ok(page.batches.length <= 2);
      seen.push(...page.batches.map((b) => b.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no batch repeats across pages');
    const newestFirst = seen.filter((id) => created.includes(id));
    assert.deepEqual(newestFirst, [...created].reverse());
    const first = (await (await fetch(`${server.api}/batch-history`)).json()) as BatchHistoryResponse;
    assert.ok(first.batches.every((b) => typeof b.progress.completed === 'number' && b.created_at));
  });

  it('cancels pending files, lets the batch end cancelled, and refuses a second cancel', async () => {
    const slow = await startTestServer({ processingDelayMs: 300, concurrency: 1 });
    try {
      const res = await upload(
        slow.api,
        Array.from({ length: 6 }, (_, i) => ({ name: `c${i}.png`, data: docs.png })),
      );
      const { batch_id } = (await res.json()) as UploadResponse;
      const cancel = await fetch(`${slow.api}/batch/${batch_id}/cancel`, { method: 'POST' });
      assert.equal(cancel.status, 200);
      const body = (await cancel.json()) as BatchStatusResponse;
      assertConforms('POST', '/batch/{batch_id}/cancel', 200, body);
      assert.equal(body.batch.status, 'cancelled');
      assert.ok(body.batch.progress.cancelled >= 4);
      const cancelled = body.batch.files.filter((f) => f.status === 'cancelled');
      assert.ok(cancelled.every((f) => f.error?.code === 'CANCELLED'));

      const finished = await waitForFinished(slow.api, batch_id);
      assert.equal(finished.status, 'cancelled');
      assert.equal(finished.progress.pending + finished.progress.processing, 0);

      const again = await fetch(`${slow.api}/batch/${batch_id}/cancel`, { method: 'POST' });
      assert.equal(again.status, 409);
      const error = await again.json();
      assertConforms('POST', '/batch/{batch_id}/cancel', 409, error);
      assert.equal((error as { error: { code: string } }).error.code, 'BATCH_NOT_OPEN');
    } finally {
      await slow.close();
    }
  });

  it('tells clients its limits', async () => {
    const res = await fetch(`${server.api}/limits`);
    const body = (await res.json()) as LimitsResponse;
    assertConforms('GET', '/limits', 200, body);
    assert.deepEqual(body.limits, {
      max_files: 50,
      max_file_size: 50 * 1024 * 1024,
      accepted_types: ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'image/webp'],
      // The harness offers resumable uploads, as the demo server does.
      resumable: {
        protocol: 'tus',
        version: '1.0.0',
        path: '/uploads',
        max_size: 50 * 1024 * 1024,
        chunk_size: 8 * 1024 * 1024,
        expires_after_seconds: 86_400,
      },
    });
  });

  it('marks status answers with an ETag and answers 304 when nothing changed', async () => {
    const res = await upload(server.api, [{ name: 'e.png', data: docs.png }]);
    const { batch_id, message } = (await res.json()) as UploadResponse;
    assert.equal(message, 'Batch upload initiated. Processing 1 file in background.');
    await waitForFinished(server.api, batch_id);
    const first = await fetch(`${server.api}/batch-status/${batch_id}`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const second = await fetch(`${server.api}/batch-status/${batch_id}`, { headers: { 'If-None-Match': etag } });
    assert.equal(second.status, 304);
  });

  it('compresses status answers for clients that accept gzip, with the same ETag, and answers their If-None-Match with 304', async () => {
    const res = await upload(
      server.api,
      [docs.pdf, docs.pdf3, docs.png].map((data, i) => ({ name: `z${i}.pdf`, data })),
    );
    const { batch_id } = (await res.json()) as UploadResponse;
    await waitForFinished(server.api, batch_id);
    const url = `${server.api}/batch-status/${batch_id}`;
    const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    const text = await plain.text();
    const etag = plain.headers.get('etag');
    assert.ok(etag);
    assert.ok(text.length > 1_024, 'a body large enough to be compressed');

    const zipped = await rawGet(url, { 'accept-encoding': 'gzip' });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(zipped.headers.etag, etag);
    assert.equal(gunzipSync(zipped.body).toString('utf8'), text);
    const unchanged = await rawGet(url, { 'accept-encoding': 'gzip', 'if-none-match': etag });
    assert.equal(unchanged.status, 304);
    assert.equal(unchanged.body.length, 0);
  });

  it('keeps batches after a restart on the same data folder', async () => {
    const { tempDir } = await import('@batch-uploader/test-support/http');
    const dataDir = await tempDir();
    const first = await startTestServer({ dataDir });
    const res = await upload(first.api, [{ name: 'r.pdf', data: docs.pdf }]);
    const { batch_id } = (await res.json()) as UploadResponse;
    const done: Batch = await waitForFinished(first.api, batch_id);
    await first.close();
    const second = await startTestServer({ dataDir });
    try {
      assert.deepEqual(await getBatch(second.api, batch_id), done);
    } finally {
      await second.close();
    }
  });
});
