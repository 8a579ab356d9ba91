import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import type { ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { getBatch, listFiles, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ maxFileSizeMb: 1, maxFiles: 50 });
});
after(() => server.close());

/** Asserts the error envelope with `code` and the documented status. */
async function expectError(res: Response, status: number, code: string, path: string, method = 'POST') {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = JSON.parse(text) as ErrorResponse;
  assert.equal(body.status, 'error');
  assert.equal(body.error.code, code);
  assert.ok(body.error.message.length > 10, 'a message people can read');
  assert.doesNotMatch(text, /at .*\.(js|ts):\d+/, 'no stack trace');
  assertConforms(method, path, status, body);
  return body;
}

/** Nothing of a rejected upload stays on disk: no quarantined part, no stored bytes. */
async function assertNothingKept(before: string[]) {
  await waitFor(async () => {
    const now = (await listFiles(server.dataDir)).filter((f) => !f.startsWith('batches.sqlite'));
    return JSON.stringify(now) === JSON.stringify(before) || null;
  }, 5_000);
}

async function storedFiles() {
  return (await listFiles(server.dataDir)).filter((f) => !f.startsWith('batches.sqlite'));
}

describe('bad input answers 4xx with the error envelope and keeps nothing', () => {
  it('51 files: 400 TOO_MANY_FILES', async () => {
    const before = await storedFiles();
    const files = Array.from({ length: 51 }, (_, i) => ({ name: `f${i}.png`, data: docs.png }));
    const body = await expectError(await upload(server.api, files), 400, 'TOO_MANY_FILES', '/batch-upload');
    assert.match(body.error.message, /50/);
    await assertNothingKept(before);
  });

  it('no files: 400 NO_FILES', async () => {
    await expectError(await upload(server.api, [], { patient_id: 'p-1' }), 400, 'NO_FILES', '/batch-upload');
  });

  it('a file over the size limit: 413 FILE_TOO_LARGE, and no partial file is left', async () => {
    const before = await storedFiles();
    const big = new Uint8Array(1024 * 1024 + 10);
    big.set(docs.png.subarray(0, 8));
    const res = await upload(server.api, [
      { name: 'ok.png', data: docs.png },
      { name: 'big.png', data: big },
    ]);
    const body = await expectError(res, 413, 'FILE_TOO_LARGE', '/batch-upload');
    assert.match(body.error.message, /1 MB/);
    await assertNothingKept(before);
  });

  it('only files of types not accepted: 415 UNSUPPORTED_TYPE', async () => {
    const before = await storedFiles();
    await expectError(await upload(server.api, [{ name: 'notes.txt', data: docs.text, type: 'text/plain' }]), 415, 'UNSUPPORTED_TYPE', '/batch-upload');
    await assertNothingKept(before);
  });

  it('an executable renamed .pdf and sent as application/pdf: 415 when alone', async () => {
    await expectError(await upload(server.api, [{ name: 'invoice.pdf', data: docs.exe, type: 'application/pdf' }]), 415, 'UNSUPPORTED_TYPE', '/batch-upload');
  });

  it('an empty file alone: 415 UNSUPPORTED_TYPE', async () => {
    await expectError(await upload(server.api, [{ name: 'empty.pdf', data: new Uint8Array(0) }]), 415, 'UNSUPPORTED_TYPE', '/batch-upload');
  });

  it('a body that is not multipart: 400 MALFORMED_UPLOAD', async () => {
    const res = await fetch(`${server.api}/batch-upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"files":[]}',
    });
    await expectError(res, 400, 'MALFORMED_UPLOAD', '/batch-upload');
  });

  it('malformed multipart: 400 MALFORMED_UPLOAD', async () => {
    const before = await storedFiles();
    const broken = '--XYZ\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-1.4 cut here';
    const res = await fetch(`${server.api}/batch-upload`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: broken,
    });
    await expectError(res, 400, 'MALFORMED_UPLOAD', '/batch-upload');
    const noBoundary = await fetch(`${server.api}/batch-upload`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'whatever',
    });
    await expectError(noBoundary, 400, 'MALFORMED_UPLOAD', '/batch-upload');
    await assertNothingKept(before);
  });

  it('files under another field name: 400 MALFORMED_UPLOAD', async () => {
    const form = new FormData();
    form.append('file', new Blob([docs.png]), 'a.png');
    await expectError(await fetch(`${server.api}/batch-upload`, { method: 'POST', body: form }), 400, 'MALFORMED_UPLOAD', '/batch-upload');
  });

  it('bad form fields: 400 INVALID_FIELD', async () => {
    const files = [{ name: 'a.png', data: docs.png }];
    const invalid: Record<string, string>[] = [
      { patient_id: 'x'.repeat(129) },
      { patient_id: '<script>alert(1)</script>' },
      { template_id: 'a b' },
      { priority: 'urgent' },
      { unexpected: 'value' },
    ];
    for (const fields of invalid) {
      await expectError(await upload(server.api, files, fields), 400, 'INVALID_FIELD', '/batch-upload');
    }
  });

  it('hostile filenames are kept as plain data, never as paths', async () => {
    const names = [
      '../../../../etc/passwd.pdf',
      '..\\..\\windows\\system32\\evil.pdf',
      '<img src=x onerror=alert(1)>.pdf',
      'new\nline\r\u202Egnp.pdf',
      `${'a'.repeat(1000)}.pdf`,
      'C:\\fakepath\\scan.pdf',
      `${'😀'.repeat(400)}.pdf`,
      'invoice\u202Efdp\u200B.exe',
    ];
    const res = await upload(
      server.api,
      names.map((name) => ({ name, data: docs.pdf })),
    );
    assert.equal(res.status, 202);
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await getBatch(server.api, batch_id);
    const stored = batch.files.map((f) => f.filename);
    assert.equal(stored[0], 'passwd.pdf');
    assert.equal(stored[1], 'evil.pdf');
    assert.equal(stored[2], '<img src=x onerror=alert(1)>.pdf', 'HTML is data; the views escape it');
    assert.equal(stored[3], 'newlinegnp.pdf', 'line breaks and direction overrides are gone');
    assert.equal(stored[4]!.length, 255);
    assert.ok(stored[4]!.endsWith('.pdf'));
    assert.equal(stored[5], 'scan.pdf');
    assert.equal(stored[6], `${'😀'.repeat(62)}.pdf`, 'cut between whole emoji, within 255 UTF-8 bytes');
    assert.equal(stored[7], 'invoicefdp.exe', 'no bidi or zero-width characters');
    for (const name of stored) assert.doesNotMatch(name, /[\/\\\u0000-\u001f]/);
    // Stored bytes live under generated names only.
    for (const path of await listFiles(server.dataDir)) {
      assert.doesNotMatch(path, /passwd|evil|onerror|aaaa/);
    }
    await waitForFinished(server.api, batch_id);
  });

  it('raw control characters in a part header are malformed multipart: 400, nothing kept', async () => {
    const before = await storedFiles();
    const res = await upload(server.api, [
      { name: 'ok.pdf', data: docs.pdf },
      { name: 'nul\u0000.pdf', data: docs.pdf },
    ]);
    await expectError(res, 400, 'MALFORMED_UPLOAD', '/batch-upload');
    await assertNothingKept(before);
  });

  it('malformed and unknown batch ids: 400 and 404', async () => {
    const malformed = ['nope', '123', '../../etc/passwd', "1' OR '1'='1", 'A'.repeat(300)];
    for (const id of malformed) {
      const res = await fetch(`${server.api}/batch-status/${encodeURIComponent(id)}`);
      await expectError(res, 400, 'INVALID_BATCH_ID', '/batch-status/{batch_id}', 'GET');
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expectError(await fetch(`${server.api}/batch-status/${unknown}`), 404, 'BATCH_NOT_FOUND', '/batch-status/{batch_id}', 'GET');
    await expectError(await fetch(`${server.api}/batch/${unknown}/cancel`, { method: 'POST' }), 404, 'BATCH_NOT_FOUND', '/batch/{batch_id}/cancel');
    await expectError(await fetch(`${server.api}/batch-events/${unknown}`), 404, 'BATCH_NOT_FOUND', '/batch-events/{batch_id}', 'GET');
    await expectError(await fetch(`${server.api}/batch/nope/cancel`, { method: 'POST' }), 400, 'INVALID_BATCH_ID', '/batch/{batch_id}/cancel');
  });

  it('bad history parameters: 400 INVALID_QUERY', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'limit=-1', 'cursor=%%%', 'cursor=bm9wZQ', 'sort=asc', 'limit=1&limit=2']) {
      await expectError(await fetch(`${server.api}/batch-history?${query}`), 400, 'INVALID_QUERY', '/batch-history', 'GET');
    }
  });

  it('an unknown route under the API: 404 NOT_FOUND with the envelope', async () => {
    const res = await fetch(`${server.api}/batch-uploads`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as ErrorResponse).error.code, 'NOT_FOUND');
  });

  it('a body that ends inside a part after whole files: 400 MALFORMED_UPLOAD (the client’s fault, not the server’s), nothing kept', async () => {
    const before = await storedFiles();
    const errors: string[] = [];
    const logged = await startTestServer({
      maxFileSizeMb: 1,
      logger: { debug() {}, info() {}, warn() {}, error: (fields: unknown) => errors.push(JSON.stringify(fields)) },
    });
    try {
      const part = (name: string) => `--XB\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`;
      const cut = Buffer.concat([Buffer.from(part('a.pdf')), docs.pdf, Buffer.from(`\r\n${part('b.pdf')}`), docs.pdf.subarray(0, 500)]);
      for (const route of ['/batch-upload', 'append'] as const) {
        let path: string = route;
        let url = `${logged.api}/batch-upload`;
        if (route === 'append') {
          const made = (await (await upload(logged.api, [{ name: 'first.pdf', data: docs.pdf }], { more_files: 'true' })).json()) as UploadResponse;
          path = '/batch/{batch_id}/files';
          url = `${logged.api}/batch/${made.batch_id}/files`;
        }
        for (let round = 0; round < 5; round++) {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XB' }, body: cut });
          await expectError(res, 400, 'MALFORMED_UPLOAD', path);
        }
      }
      assert.deepEqual(errors, [], 'nothing logged as a server fault');
      assert.equal((await listFiles(join(logged.dataDir, 'uploads'))).length, 0, 'no part left in the quarantine');
    } finally {
      await logged.close();
    }
    await assertNothingKept(before);
  });

  it('a client that aborts mid-upload leaves no file behind', async () => {
    const before = await storedFiles();
    const port = new URL(server.url).port;
    await new Promise<void>((resolve) => {
      const boundary = 'ABORTED';
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/gp/batch-upload',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(10_000_000) },
      });
      req.on('error', () => resolve());
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
      req.write(docs.pdf);
      req.write(Buffer.alloc(200_000, 7));
      // Give the server time to start writing the file, then drop the connection.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    await assertNothingKept(before);
    const parts = (await listFiles(join(server.dataDir, 'uploads'))).length;
    assert.equal(parts, 0);
  });
});
