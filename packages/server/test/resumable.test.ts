import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tus from 'tus-js-client';
import type { BatchStatusResponse, CreateBatchResponse, ErrorResponse, LimitsResponse } from '@batch-uploader/protocol';
import { createInspectProcessor, type InspectProcessor } from '../src/processors/inspect/index.js';
import { cutAt, makeImage, makeTextPdf } from '@batch-uploader/test-support/documents';
import { startRouterHost, type RouterHost } from './support/router-host.js';
import { startTestServer } from './support/test-server.js';
import { resolveResumable } from '../src/http/resumable-options.js';

// The resumable route (tus 1.0) against the router in a real listening host: the official
// tus client in Node, and raw requests where a proof needs a connection cut mid-upload.

const clinic = { 'x-workspace': 'clinic-a' };
const stranger = { 'x-workspace': 'clinic-b' };
const MAX_FILE_SIZE = 4 * 1024 * 1024;

let host: RouterHost;
let dir: string;
let processor: InspectProcessor;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'resumable-'));
  processor = createInspectProcessor({ maxWorkers: 2 });
  host = await startRouterHost({ limits: { max_files: 5, max_file_size: MAX_FILE_SIZE }, resumable: { dir, chunkSize: 64 * 1024 } }, { processor });
});
after(async () => {
  await host?.close();
  await processor?.close();
  await rm(dir, { recursive: true, force: true });
});

async function createBatch(headers: Record<string, string> = clinic, body: unknown = { patient_id: 'P-1001' }): Promise<CreateBatchResponse> {
  const res = await fetch(`${host.api}/batches`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 201);
  return (await res.json()) as CreateBatchResponse;
}

/** Sends `bytes` with the official tus client; resolves with the upload's URL. */
function tusUpload(bytes: Buffer, metadata: Record<string, string>, options: Partial<tus.UploadOptions> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(bytes, {
      endpoint: `${host.api}/uploads`,
      headers: clinic,
      metadata,
      chunkSize: 64 * 1024,
      retryDelays: [],
      ...options,
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
    upload.start();
  });
}

async function waitForFinished(batchId: string): Promise<BatchStatusResponse['batch']> {
  for (let i = 0; i < 400; i++) {
    const res = await fetch(`${host.api}/batch-status/${batchId}`, { headers: clinic });
    const { batch } = (await res.json()) as BatchStatusResponse;
    if (batch.finished_at) return batch;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the batch did not finish');
}

/** A tus creation request with raw headers. */
function create(length: number, metadata: Record<string, string>, headers: Record<string, string> = clinic): Promise<Response> {
  const encoded = Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
  return fetch(`${host.api}/uploads`, {
    method: 'POST',
    headers: { ...headers, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(length), 'Upload-Metadata': encoded },
  });
}

async function offsetOf(url: string, headers: Record<string, string> = clinic): Promise<Response> {
  return fetch(url, { method: 'HEAD', headers: { ...headers, 'Tus-Resumable': '1.0.0' } });
}

async function errorOf(res: Response): Promise<ErrorResponse['error']> {
  const body = JSON.parse(await res.text()) as ErrorResponse;
  assert.equal(body.status, 'error');
  return body.error;
}

/** Sends `bytes` at `offset` of the upload at `url`. */
async function patch(url: string, offset: number, bytes: Buffer, headers: Record<string, string> = clinic): Promise<Response> {
  return fetch(url, {
    method: 'PATCH',
    headers: { ...headers, 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
    body: new Uint8Array(bytes),
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting: ${what}`);
}

/** Files waiting in the resumable folder (bytes and their records). */
async function waiting(): Promise<string[]> {
  return readdir(dir);
}

/** A host whose batches are held `holdMs` for files, a batch made there, and a tus upload of a one-page PDF begun in it. */
async function uploadWithShortHold(holdMs: number, text: string): Promise<{ slow: RouterHost; batch_id: string; bytes: Buffer; url: string }> {
  const slow = await startRouterHost({ resumable: { dir: await mkdtemp(join(tmpdir(), 'resumable-hold-')), chunkSize: 64 * 1024 } }, { appendHoldMs: holdMs });
  const made = await fetch(`${slow.api}/batches`, { method: 'POST', headers: { ...clinic, 'content-type': 'application/json' }, body: '{}' });
  const { batch_id } = (await made.json()) as CreateBatchResponse;
  const bytes = await makeTextPdf([text]);
  const encoded = `batch_id ${Buffer.from(batch_id).toString('base64')},filename ${Buffer.from('scan.pdf').toString('base64')}`;
  const created = await fetch(`${slow.api}/uploads`, {
    method: 'POST',
    headers: { ...clinic, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(bytes.length), 'Upload-Metadata': encoded },
  });
  assert.equal(created.status, 201);
  return { slow, batch_id, bytes, url: new URL(created.headers.get('location')!, slow.origin).href };
}

describe('resumable uploads (tus 1.0)', () => {
  it('an upload still receiving bytes keeps its batch held past the hold for files: the file joins, the batch finishes after', async () => {
    const HOLD_MS = 600;
    const { slow, batch_id, bytes, url } = await uploadWithShortHold(HOLD_MS, 'A long scan over a slow link');
    try {
      // Four parts, one every half hold: the upload takes twice as long as the hold.
      const part = Math.ceil(bytes.length / 4);
      let fileId: string | null = null;
      for (let offset = 0; offset < bytes.length; offset += part) {
        await new Promise((resolve) => setTimeout(resolve, HOLD_MS / 2));
        const res = await fetch(url, {
          method: 'PATCH',
          headers: { ...clinic, 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(offset), 'content-type': 'application/offset+octet-stream' },
          body: new Uint8Array(bytes.subarray(offset, offset + part)),
        });
        assert.equal(res.status, 204, await res.text());
        fileId = res.headers.get('upload-file-id') ?? fileId;
      }
      assert.ok(fileId, 'the file joined its batch');
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS * 2));
      const status = await fetch(`${slow.api}/batch-status/${batch_id}`, { headers: clinic });
      const { batch } = (await status.json()) as BatchStatusResponse;
      assert.deepEqual(
        batch.files.map((f) => [f.file_id, f.status]),
        [[fileId, 'completed']],
      );
      assert.ok(batch.finished_at, 'with no more bytes arriving, the hold ran out and the batch finished');
    } finally {
      await slow.close();
    }
  });

  it('one part that takes longer than the hold for files keeps its batch held while it arrives', async () => {
    const HOLD_MS = 600;
    const { slow, batch_id, bytes, url } = await uploadWithShortHold(HOLD_MS, 'One large part over a slow link');
    try {
      // One PATCH whose bytes trickle in over four holds.
      const answer = new Promise<{ status: number; fileId: string | undefined }>((resolve, reject) => {
        const req = request(url, {
          method: 'PATCH',
          headers: {
            ...clinic,
            'Tus-Resumable': '1.0.0',
            'Upload-Offset': '0',
            'Content-Type': 'application/offset+octet-stream',
            'Content-Length': String(bytes.length),
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, fileId: res.headers['upload-file-id'] as string | undefined });
        });
        req.on('error', reject);
        const quarter = Math.ceil(bytes.length / 4);
        void (async () => {
          for (let offset = 0; offset < bytes.length; offset += quarter) {
            req.write(bytes.subarray(offset, offset + quarter));
            await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
          }
          req.end();
        })();
      });
      const { status, fileId } = await answer;
      assert.equal(status, 204);
      assert.ok(fileId, 'the file joined its batch: it was still held');
      const finished = await (async () => {
        for (let i = 0; i < 200; i++) {
          const { batch } = (await (await fetch(`${slow.api}/batch-status/${batch_id}`, { headers: clinic })).json()) as BatchStatusResponse;
          if (batch.finished_at) return batch;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error('the batch did not finish');
      })();
      assert.deepEqual(
        finished.files.map((f) => [f.file_id, f.status]),
        [[fileId, 'completed']],
      );
    } finally {
      await slow.close();
    }
  });

  it('GET /limits tells clients the server takes tus uploads, with the size limit and the part size', async () => {
    const { limits } = (await (await fetch(`${host.api}/limits`, { headers: clinic })).json()) as LimitsResponse;
    assert.deepEqual(limits.resumable, {
      protocol: 'tus',
      version: '1.0.0',
      path: '/uploads',
      max_size: MAX_FILE_SIZE,
      chunk_size: 65_536,
      expires_after_seconds: 86_400,
    });
  });

  it('the official tus client sends three files into a batch made with POST /batches; after close it reads 2 completed, 1 failed', async () => {
    const batch = await createBatch();
    assert.equal(batch.accepting_files, true);
    assert.equal(batch.upload_url, '/api/uploads');
    const pdf = await makeTextPdf(['Referral letter page 1', 'Referral letter page 2']);
    const scan = await makeImage('png', { width: 600, height: 400 }); // about 280 KB: several 64 KiB parts
    const broken = cutAt(await makeTextPdf(['Discharge summary']), 0.5);
    for (const [name, bytes, type] of [
      ['letter.pdf', pdf, 'application/pdf'],
      ['scan.png', scan, 'image/png'],
      ['broken.pdf', broken, 'application/pdf'],
    ] as const) {
      const url = await tusUpload(bytes, { batch_id: batch.batch_id, filename: name, filetype: type });
      assert.match(url, new RegExp(`^${host.api}/uploads/[^/]+$`));
      assert.equal((await offsetOf(url)).status, 404, 'a finished upload is handed to its batch and removed');
    }
    const closed = await fetch(`${host.api}/batch/${batch.batch_id}/close`, { method: 'POST', headers: clinic });
    assert.equal(closed.status, 200);
    const finished = await waitForFinished(batch.batch_id);
    assert.deepEqual(
      finished.files.map((file) => [file.filename, file.status, file.error?.code ?? null]),
      [
        ['letter.pdf', 'completed', null],
        ['scan.png', 'completed', null],
        ['broken.pdf', 'failed', 'CORRUPT_FILE'],
      ],
    );
    assert.equal(finished.files[1]!.size, scan.length);
    assert.equal(finished.patient_id, 'P-1001');
    assert.deepEqual(await waiting(), [], 'nothing is left in the resumable folder');
  });

  it('a connection cut mid-upload loses only what had not arrived: HEAD gives the stored offset and the rest completes the file', async () => {
    const batch = await createBatch();
    const image = await makeImage('png', { width: 1200, height: 900 });
    const created = await create(image.length, { batch_id: batch.batch_id, filename: 'wound.png' });
    assert.equal(created.status, 201);
    assert.ok(created.headers.get('upload-expires'), 'the upload says when it expires');
    const url = new URL(created.headers.get('location')!, host.api).href;

    // Send 60% of the file, then destroy the connection without ending the request.
    const sent = Math.floor(image.length * 0.6);
    await new Promise<void>((resolve) => {
      const req = request(url, {
        method: 'PATCH',
        headers: { ...clinic, 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      });
      req.on('error', () => resolve());
      req.write(image.subarray(0, sent), () => setTimeout(() => req.destroy(), 300));
    });
    let offset = 0;
    for (let i = 0; i < 100 && offset < sent; i++) {
      offset = Number((await offsetOf(url)).headers.get('upload-offset'));
      if (offset < sent) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(offset, sent, 'every byte that arrived before the cut is kept');

    const rest = await fetch(url, {
      method: 'PATCH',
      headers: { ...clinic, 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      body: new Uint8Array(image.subarray(offset)),
    });
    assert.equal(rest.status, 204);
    assert.equal(rest.headers.get('upload-offset'), String(image.length));
    assert.match(rest.headers.get('upload-file-id') ?? '', /^[0-9a-f-]{36}$/);
    await fetch(`${host.api}/batch/${batch.batch_id}/close`, { method: 'POST', headers: clinic });
    const finished = await waitForFinished(batch.batch_id);
    assert.deepEqual(
      finished.files.map((file) => [file.file_id, file.status, file.size]),
      [[rest.headers.get('upload-file-id'), 'completed', image.length]],
    );
  });

  it('another workspace cannot see, continue or end an upload, nor add to a batch it does not own', async () => {
    const batch = await createBatch();
    const created = await create(1000, { batch_id: batch.batch_id, filename: 'scan.pdf' });
    const url = new URL(created.headers.get('location')!, host.api).href;
    assert.equal((await offsetOf(url, stranger)).status, 404);
    const peek = await fetch(url, {
      method: 'PATCH',
      headers: { ...stranger, 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      body: '',
    });
    assert.equal((await errorOf(peek)).code, 'NOT_FOUND', 'the same answer as for an upload that does not exist');
    const patch = await fetch(url, {
      method: 'PATCH',
      headers: { ...stranger, 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      body: Buffer.alloc(10),
    });
    assert.equal(patch.status, 404);
    assert.equal((await fetch(url, { method: 'DELETE', headers: { ...stranger, 'Tus-Resumable': '1.0.0' } })).status, 404);
    assert.equal((await offsetOf(url)).headers.get('upload-offset'), '0', "the owner's upload is untouched");

    const intoTheirs = await create(1000, { batch_id: batch.batch_id }, stranger);
    assert.equal(intoTheirs.status, 404);
    assert.equal((await errorOf(intoTheirs)).code, 'BATCH_NOT_FOUND');
    assert.equal((await fetch(`${host.api}/uploads`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' } })).status, 401);
  });

  it('refuses at creation, before a byte is stored: over the size limit (413), no or a malformed batch_id (400), a closed batch (409), a full batch (400)', async () => {
    const before = await waiting();
    const batch = await createBatch();
    const tooBig = await create(MAX_FILE_SIZE + 1, { batch_id: batch.batch_id });
    assert.equal(tooBig.status, 413);
    assert.deepEqual(await errorOf(tooBig), {
      code: 'FILE_TOO_LARGE',
      message: 'A file is larger than the 4 MB limit.',
      details: { max_file_size: MAX_FILE_SIZE },
    });

    const unnamed = await create(10, { filename: 'a.pdf' });
    assert.equal(unnamed.status, 400);
    assert.deepEqual(await errorOf(unnamed), {
      code: 'INVALID_FIELD',
      message: "Name the batch in the upload's metadata: batch_id (from POST /batches).",
      details: { field: 'batch_id' },
    });
    assert.equal((await errorOf(await create(10, { batch_id: 'not-a-batch' }))).code, 'INVALID_BATCH_ID');

    const full = await createBatch();
    const png = await makeImage('png');
    for (let i = 0; i < 5; i++) await tusUpload(png, { batch_id: full.batch_id, filename: `p${i}.png` });
    const sixth = await create(png.length, { batch_id: full.batch_id });
    assert.equal(sixth.status, 400);
    assert.equal((await errorOf(sixth)).code, 'TOO_MANY_FILES');

    await fetch(`${host.api}/batch/${batch.batch_id}/close`, { method: 'POST', headers: clinic });
    await waitForFinished(batch.batch_id);
    const late = await create(10, { batch_id: batch.batch_id });
    assert.equal(late.status, 409);
    assert.equal((await errorOf(late)).code, 'BATCH_NOT_OPEN');
    assert.deepEqual(await waiting(), before, 'no refused upload left a file');
  });

  it('a file of a type not accepted joins its batch as failed (UNSUPPORTED_TYPE) and its bytes are not kept', async () => {
    const batch = await createBatch();
    await tusUpload(Buffer.from('MZ this is a program, not a document'), { batch_id: batch.batch_id, filename: 'setup.pdf' });
    await fetch(`${host.api}/batch/${batch.batch_id}/close`, { method: 'POST', headers: clinic });
    const finished = await waitForFinished(batch.batch_id);
    assert.deepEqual(
      finished.files.map((file) => [file.status, file.error?.code]),
      [['failed', 'UNSUPPORTED_TYPE']],
    );
  });

  it('an upload ended by its client (termination) is removed with its bytes', async () => {
    const batch = await createBatch();
    const before = await waiting();
    const created = await create(1000, { batch_id: batch.batch_id });
    const url = new URL(created.headers.get('location')!, host.api).href;
    await fetch(url, {
      method: 'PATCH',
      headers: { ...clinic, 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      body: Buffer.alloc(100, 1),
    });
    assert.equal((await fetch(url, { method: 'DELETE', headers: { ...clinic, 'Tus-Resumable': '1.0.0' } })).status, 204);
    assert.equal((await offsetOf(url)).status, 404);
    assert.deepEqual(await waiting(), before);
  });

  it('an unfinished upload of a batch that finished (here: cancelled) is removed with its bytes at once', async () => {
    const batch = await createBatch();
    const before = await waiting();
    const created = await create(1000, { batch_id: batch.batch_id, filename: 'scan.pdf' });
    const url = new URL(created.headers.get('location')!, host.api).href;
    await patch(url, 0, Buffer.alloc(100, 1));
    assert.equal((await offsetOf(url)).headers.get('upload-offset'), '100');
    assert.notDeepEqual(await waiting(), before, 'the bytes wait in the folder');

    assert.equal((await fetch(`${host.api}/batch/${batch.batch_id}/cancel`, { method: 'POST', headers: clinic })).status, 200);
    // The file store removes the bytes, then the record: both are waited for.
    await until(async () => (await waiting()).length === before.length, 'the upload removed');
    assert.deepEqual(await waiting(), before, 'no byte of it is left');
    assert.equal((await offsetOf(url)).status, 404);
  });

  it('creation-with-upload: a whole file in the creating request answers 201 with its URL and file id, and joins once', async () => {
    const { batch_id } = await createBatch();
    const pdf = await makeTextPdf(['Sent whole at creation']);
    const encoded = `batch_id ${Buffer.from(batch_id).toString('base64')},filename ${Buffer.from('whole.pdf').toString('base64')}`;
    const res = await fetch(`${host.api}/uploads`, {
      method: 'POST',
      headers: {
        ...clinic,
        'Tus-Resumable': '1.0.0',
        'Upload-Length': String(pdf.length),
        'Upload-Metadata': encoded,
        'Content-Type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(pdf),
    });
    assert.equal(res.status, 201, await res.clone().text());
    assert.match(res.headers.get('location') ?? '', /\/uploads\/[^/]+$/);
    const fileId = res.headers.get('upload-file-id');
    assert.ok(fileId, 'the file id, as when the last byte comes by PATCH');
    assert.equal(res.headers.get('upload-offset'), String(pdf.length));
    assert.equal((await offsetOf(new URL(res.headers.get('location')!, host.api).href)).status, 404, 'the upload is done: nothing left to continue');
    await fetch(`${host.api}/batch/${batch_id}/close`, { method: 'POST', headers: clinic });
    const batch = await waitForFinished(batch_id);
    assert.deepEqual(
      batch.files.map((f) => [f.file_id, f.filename, f.status]),
      [[fileId, 'whole.pdf', 'completed']],
      'one file: a client has no reason to send it again',
    );
  });

  it('a creation refused after the upload was made (a body longer than Upload-Length) leaves nothing, and answers with the envelope', async () => {
    const { batch_id } = await createBatch();
    const before = await waiting();
    const encoded = `batch_id ${Buffer.from(batch_id).toString('base64')}`;
    const res = await fetch(`${host.api}/uploads`, {
      method: 'POST',
      headers: { ...clinic, 'Tus-Resumable': '1.0.0', 'Upload-Length': '10', 'Upload-Metadata': encoded, 'Content-Type': 'application/offset+octet-stream' },
      body: new Uint8Array(100),
    });
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, 'FILE_TOO_LARGE');
    assert.equal(res.headers.get('location'), null, 'the client was never told where the upload is');
    await until(async () => (await waiting()).length === before.length, 'the upload made for it is removed');
    assert.deepEqual(await waiting(), before);
  });

  it('an unfinished upload is private to the server (0600, in a 0700 folder); a PATCH past its length answers with the envelope', async () => {
    const { batch_id } = await createBatch();
    const made = await create(100, { batch_id, filename: 'Jane_Doe_NHS.pdf' });
    assert.equal(made.status, 201);
    const url = new URL(made.headers.get('location')!, host.api).href;
    const id = decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
    for (const name of [id, `${id}.json`]) assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600, name);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const over = await patch(url, 0, Buffer.alloc(150, 1));
    assert.equal(over.status, 413);
    assert.deepEqual(await errorOf(over), { code: 'FILE_TOO_LARGE', message: "More bytes were sent than the upload's length (Upload-Length)." });
    await fetch(url, { method: 'DELETE', headers: { ...clinic, 'Tus-Resumable': '1.0.0' } });
  });

  it('POST /batches checks its fields like an upload: unknown or malformed fields answer 400 with the envelope', async () => {
    const unknown = await fetch(`${host.api}/batches`, { method: 'POST', headers: { ...clinic, 'content-type': 'application/json' }, body: '{"patient":"x"}' });
    assert.equal(unknown.status, 400);
    assert.equal((await errorOf(unknown)).code, 'INVALID_FIELD');
    const malformed = await fetch(`${host.api}/batches`, {
      method: 'POST',
      headers: { ...clinic, 'content-type': 'application/json' },
      body: '{"patient_id":',
    });
    assert.equal(malformed.status, 400);
    assert.equal((await errorOf(malformed)).code, 'BAD_REQUEST');
    const empty = await fetch(`${host.api}/batches`, { method: 'POST', headers: clinic });
    assert.equal(empty.status, 201, 'every field is optional');
    // A body it would not read is refused, not taken as no fields: the batch would lose its patient (and the patient guard).
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded']) {
      const res = await fetch(`${host.api}/batches`, { method: 'POST', headers: { ...clinic, 'content-type': type }, body: '{"patient_id":"PAT-42"}' });
      assert.equal(res.status, 400, type);
      const error = await errorOf(res);
      assert.equal(error.code, 'BAD_REQUEST', type);
      assert.match(error.message, /Content-Type: application\/json/);
    }
    const vendorJson = await fetch(`${host.api}/batches`, {
      method: 'POST',
      headers: { ...clinic, 'content-type': 'application/vnd.api+json' },
      body: '{"patient_id":"PAT-42"}',
    });
    assert.equal(vendorJson.status, 201, 'a JSON-based type is read as JSON');
    const made = (await vendorJson.json()) as { batch_id: string };
    const status = (await (await fetch(`${host.api}/batch-status/${made.batch_id}`, { headers: clinic })).json()) as { batch: { patient_id: string | null } };
    assert.equal(status.batch.patient_id, 'PAT-42');
    const large = await fetch(`${host.api}/batches`, {
      method: 'POST',
      headers: { ...clinic, 'content-type': 'application/json' },
      body: JSON.stringify({ patient_id: 'x'.repeat(20_000) }),
    });
    assert.equal(large.status, 400);
    assert.deepEqual(await errorOf(large), {
      code: 'BAD_REQUEST',
      message: 'The request body is too large: this route takes at most 16384 bytes.',
      details: { limit_bytes: 16384 },
    });
    for (const wrong of [0, 1.5, -2, '2x', true]) {
      const res = await fetch(`${host.api}/batches`, {
        method: 'POST',
        headers: { ...clinic, 'content-type': 'application/json' },
        body: JSON.stringify({ expected_files: wrong }),
      });
      assert.equal(res.status, 400, `expected_files ${JSON.stringify(wrong)}`);
      assert.deepEqual((await errorOf(res)).details, { field: 'expected_files' });
    }
  });

  it('POST /batches records expected_files (a number or its text): the batch shows how many files are still to come', async () => {
    for (const expected of [3, '3']) {
      const { batch_id } = await createBatch(clinic, { expected_files: expected });
      const res = await fetch(`${host.api}/batch-status/${batch_id}`, { headers: clinic });
      const { batch } = (await res.json()) as BatchStatusResponse;
      assert.equal(batch.expected_files, 3);
      assert.equal(batch.total_files, 0);
      assert.equal(batch.accepting_files, true);
    }
  });
});

/** On the server at `api`: a batch held open and a tus upload of 1,000 bytes begun in it, 100 sent; the upload's URL path. */
async function halfSentUpload(api: string): Promise<{ batch_id: string; path: string }> {
  const made = await fetch(`${api}/batches`, { method: 'POST' });
  const { batch_id } = (await made.json()) as CreateBatchResponse;
  const metadata = `batch_id ${Buffer.from(batch_id).toString('base64')}`;
  const created = await fetch(`${api}/uploads`, {
    method: 'POST',
    headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '1000', 'Upload-Metadata': metadata },
  });
  assert.equal(created.status, 201);
  const path = new URL(created.headers.get('location')!, api).pathname;
  assert.equal((await patch(new URL(path, api).href, 0, Buffer.alloc(100, 1), {})).status, 204);
  return { batch_id, path };
}

describe('the resumable options', () => {
  it('sweep every quarter of an upload’s life, at most every 10 minutes, unless told; never more often than every 100 ms', () => {
    assert.equal(resolveResumable({ dir: 'x', expireAfterMs: 120_000 }).sweepIntervalMs, 30_000);
    assert.equal(resolveResumable({ dir: 'x' }).sweepIntervalMs, 600_000);
    assert.equal(resolveResumable({ dir: 'x', sweepIntervalMs: 5_000 }).sweepIntervalMs, 5_000);
    assert.throws(() => resolveResumable({ dir: 'x', sweepIntervalMs: 50 }), /sweepIntervalMs/);
    assert.throws(() => resolveResumable({ dir: 'x', sweepIntervalMs: Number.NaN }), /sweepIntervalMs/);
  });
});

describe('resumable uploads across a restart', () => {
  it('an unfinished upload whose batch finished while no one uses the route is removed by the timed sweep', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'resumable-timer-'));
    const resumableDir = join(dataDir, 'resumable');
    let server = await startTestServer({ dataDir });
    try {
      const { batch_id } = await halfSentUpload(server.api);
      await server.close();
      server = await startTestServer({ dataDir, resumableSweepMs: 300 });
      // Not a request to the tus route: only the timer can find the upload.
      assert.equal((await fetch(`${server.api}/batch/${batch_id}/cancel`, { method: 'POST' })).status, 200);
      await until(async () => (await readdir(resumableDir)).length === 0, 'the upload removed by the timed sweep');
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('an unfinished upload begun before a restart, whose batch finished after it, is removed by the next sweep', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'resumable-restart-'));
    const resumableDir = join(dataDir, 'resumable');
    let server = await startTestServer({ dataDir });
    try {
      const { batch_id, path } = await halfSentUpload(server.api);
      const held = await readdir(resumableDir);
      assert.equal(held.length, 2, 'the bytes and their record');
      await server.close();

      // The new process began none of its uploads: the batch finishing now is not enough to end them.
      server = await startTestServer({ dataDir });
      assert.equal((await fetch(`${server.api}/batch/${batch_id}/cancel`, { method: 'POST' })).status, 200);
      assert.deepEqual((await readdir(resumableDir)).sort(), held.sort(), 'still there after the cancel');
      // Any request to the route sweeps (the first since the start): the upload's batch has finished.
      await fetch(new URL(path, server.api).href, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
      await until(async () => (await readdir(resumableDir)).length === 0, 'the upload removed by the sweep');
      const head = await fetch(new URL(path, server.api).href, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
      assert.equal(head.status, 404);
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
