/**
 * A full disk, for real: the data folder (or only its blob store) on a small tmpfs.
 * An upload that does not fit answers 507 INSUFFICIENT_STORAGE — the server's fault,
 * not MALFORMED_UPLOAD — keeps nothing (no temporary file, no stored bytes, no batch),
 * and the server takes uploads again once there is room.
 *
 * Mounting a tmpfs needs root (CI runs as root); elsewhere these tests are skipped and
 * say so.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BatchHistoryResponse, ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { startTestServer } from './support/test-server.js';
import { listFiles, tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { assertConforms } from '@batch-uploader/test-support/openapi';

const run = promisify(execFile);
const KB = 1024;
const MB = 1024 * KB;

let docs: Documents;
let cannotMount: string | null = null;
const mounted: string[] = [];
const made: string[] = [];

async function mountTmpfs(dir: string, bytes: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir]);
  mounted.push(dir);
}

before(async () => {
  docs = await documents();
  const probe = await folder();
  try {
    await mountTmpfs(probe, MB);
  } catch (error) {
    cannotMount = `cannot mount a tmpfs here (needs root): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
});

after(async () => {
  for (const dir of mounted.reverse()) await run('umount', [dir]).catch(() => {});
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = await tempDir();
  made.push(dir);
  return dir;
}

/** A PDF by its first bytes (so it is accepted and moved into the blob store), `size` bytes long. */
function pdfOf(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  bytes.set(randomBytes(size));
  bytes.set(new TextEncoder().encode('%PDF-1.7\n'));
  return bytes;
}

async function expect507(res: Response, path: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, 507, text);
  const body = JSON.parse(text) as ErrorResponse;
  assert.equal(body.error.code, 'INSUFFICIENT_STORAGE');
  assert.match(body.error.message, /no room/);
  assertConforms('POST', path, 507, body);
}

async function history(api: string): Promise<BatchHistoryResponse['batches']> {
  return ((await (await fetch(`${api}/batch-history`)).json()) as BatchHistoryResponse).batches;
}

/** Regular files under `dir`, the SQLite files left out. */
async function kept(dir: string): Promise<string[]> {
  return (await listFiles(dir)).filter((f) => !f.startsWith('batches.sqlite'));
}

function skipUnlessMounting(t: TestContext): boolean {
  if (cannotMount === null) return false;
  t.skip(cannotMount);
  return true;
}

describe('a full disk', () => {
  it('while an upload streams into quarantine: 507, nothing kept, and uploads work again', async (t) => {
    if (skipUnlessMounting(t)) return;
    const dataDir = await folder();
    await mountTmpfs(dataDir, 4 * MB);
    const server = await startTestServer({ dataDir });
    try {
      // A small file that fits, then one that cannot: the whole request is refused.
      await expect507(
        await upload(server.api, [
          { name: 'a.pdf', data: docs.pdf },
          { name: 'big.pdf', data: pdfOf(6 * MB) },
        ]),
        '/batch-upload',
      );
      assert.deepEqual(await kept(dataDir), [], 'no temporary file and no stored bytes');
      assert.deepEqual(await history(server.api), [], 'no batch');

      // An append that does not fit leaves its batch as it was.
      const res = await upload(server.api, [{ name: 'first.pdf', data: docs.pdf }], { more_files: 'true' });
      assert.equal(res.status, 202);
      const { batch_id } = (await res.json()) as UploadResponse;
      const form = new FormData();
      form.append('files', new Blob([pdfOf(6 * MB)]), 'big.pdf');
      await expect507(await fetch(`${server.api}/batch/${batch_id}/files`, { method: 'POST', body: form }), '/batch/{batch_id}/files');
      assert.deepEqual(await listFiles(join(dataDir, 'uploads')), []);

      const small = new FormData();
      small.append('files', new Blob([docs.png]), 'second.png');
      const appended = await fetch(`${server.api}/batch/${batch_id}/files`, { method: 'POST', body: small });
      assert.equal(appended.status, 202, await appended.clone().text());
      const batch = await waitForFinished(server.api, batch_id);
      assert.deepEqual(
        batch.files.map((f) => [f.filename, f.status]),
        [
          ['first.pdf', 'completed'],
          ['second.png', 'completed'],
        ],
      );
    } finally {
      await server.close();
    }
  });

  it('while files move into the blob store (on another device): 507, and the files already moved are removed', async (t) => {
    if (skipUnlessMounting(t)) return;
    const dataDir = await folder();
    const blobs = join(dataDir, 'files');
    // The quarantine is on the ordinary disk, the blob store on a 1 MB tmpfs: each file is
    // copied across, and the third copy does not fit.
    await mountTmpfs(blobs, MB);
    const server = await startTestServer({ dataDir });
    try {
      const files = ['one', 'two', 'three'].map((name) => ({ name: `${name}.pdf`, data: pdfOf(400 * KB) }));
      await expect507(await upload(server.api, files), '/batch-upload');
      assert.deepEqual(await kept(dataDir), [], 'neither the two files copied before the disk was full, nor a part file, nor a temporary upload');
      assert.deepEqual(await history(server.api), []);

      const res = await upload(server.api, [{ name: 'fits.pdf', data: docs.pdf }]);
      assert.equal(res.status, 202);
      const batch = await waitForFinished(server.api, ((await res.json()) as UploadResponse).batch_id);
      assert.equal(batch.files[0]!.status, 'completed');
    } finally {
      await server.close();
    }
  });
});
