/**
 * Temporary uploads are removed while the server runs: those of a process killed
 * mid-upload (by the next process on the same data, or by another one sharing it,
 * without a restart), and those of a request the client gave up; never a file of a
 * request still arriving, however long ago its bytes were written.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppendResponse, UploadResponse } from '@batch-uploader/protocol';
import { killHard, startChild, stopChild, type Child } from './child-server.js';
import { documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { listFiles, tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';
import { filePart, multipartHead, rawConnect, type Raw } from '@batch-uploader/test-support/raw-http';

const MB = 1024 * 1024;

function portOf(child: Child): number {
  return Number(new URL(child.api).port);
}

/** Starts an upload of `files` parts of 1 MB to `path` and stops sending before the last byte. */
async function uploadThatStops(port: number, path: string, files: number): Promise<Raw> {
  const raw = await rawConnect(port);
  raw.socket.write(multipartHead(path, (files + 1) * 2 * MB));
  for (let i = 0; i < files; i++) raw.socket.write(filePart(randomBytes(MB), false, `part-${i}.pdf`));
  return raw;
}

describe('abandoned uploads', () => {
  it('a kill -9 mid-upload leaves temporary files that the next process removes while it runs', async () => {
    const dataDir = await tempDir();
    const uploads = join(dataDir, 'uploads');
    const env = { DATA_DIR: dataDir, ABANDONED_UPLOAD_MS: '2000' };
    const first = await startChild(env);
    let second: Child | null = null;
    try {
      const raw = await uploadThatStops(portOf(first), '/api/gp/batch-upload', 12);
      await waitFor(async () => (await listFiles(uploads)).length >= 12, 20_000);
      await killHard(first);
      raw.socket.destroy();
      const left = await listFiles(uploads);
      assert.ok(left.length >= 12, `the dead process left ${left.length} temporary files`);

      // Restarted at once: the files are too fresh for its start-up sweep, which cannot
      // tell them from the uploads of another process sharing the folder.
      second = await startChild(env);
      await waitFor(async () => (await listFiles(uploads)).length === 0, { timeoutMs: 20_000, everyMs: 200 });
      assert.match(second.output(), /removed abandoned uploads/);
    } finally {
      await killHard(first);
      if (second) await stopChild(second);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a process sharing the data removes what a killed one left, and never the files of its own upload still arriving', async () => {
    const docs = await documents();
    const dataDir = await tempDir();
    const uploads = join(dataDir, 'uploads');
    const env = { DATA_DIR: dataDir, ABANDONED_UPLOAD_MS: '2000', PROCESSING_DELAY_MS: '0' };
    const [doomed, survivor] = await Promise.all([startChild(env), startChild(env)]);
    try {
      // The survivor receives a slow upload: its first file arrives whole at once, the
      // second trickles in for far longer than ABANDONED_UPLOAD_MS.
      const second = filePart(docs.pdf3, true, 'second.pdf');
      const first = filePart(docs.pdf, false, 'first.pdf');
      const slow = await rawConnect(portOf(survivor));
      slow.socket.write(multipartHead('/api/gp/batch-upload', first.length + second.length));
      slow.socket.write(first);
      const trickled = second.subarray(0, second.length - 200);
      slow.socket.write(trickled.subarray(0, 300));
      await waitFor(async () => (await listFiles(uploads)).length === 2, 10_000);
      const survivorsFiles = await listFiles(uploads);

      // The other process dies in the middle of an upload.
      const raw = await uploadThatStops(portOf(doomed), '/api/gp/batch-upload', 6);
      await waitFor(async () => (await listFiles(uploads)).length >= 8, 20_000);
      await killHard(doomed);
      raw.socket.destroy();

      // Keep the survivor's second file coming, a few bytes at a time, for 7 s.
      const started = Date.now();
      let sent = 300;
      while (Date.now() - started < 7_000) {
        await sleep(250);
        const next = Math.min(trickled.length, sent + 20);
        slow.socket.write(trickled.subarray(sent, next));
        sent = next;
      }
      // Without a restart, the dead process's files went; the survivor's did not.
      assert.deepEqual(await listFiles(uploads), survivorsFiles);

      slow.socket.write(trickled.subarray(sent));
      slow.socket.write(second.subarray(trickled.length));
      await waitFor(async () => /\r\n\r\n\{.*\}$/s.test(slow.received()), 10_000);
      assert.match(slow.received(), /^HTTP\/1\.1 202 /, slow.received().slice(0, 300));
      const { batch_id } = JSON.parse(slow.received().split('\r\n\r\n')[1]!) as UploadResponse;
      const batch = await waitForFinished(survivor.api, batch_id);
      assert.deepEqual(
        batch.files.map((f) => [f.filename, f.status]),
        [
          ['first.pdf', 'completed'],
          ['second.pdf', 'completed'],
        ],
      );
      slow.socket.destroy();
      assert.deepEqual(await listFiles(uploads), []);
    } finally {
      await killHard(doomed);
      await stopChild(survivor);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('an append the client gives up half way leaves nothing behind', async () => {
    const docs = await documents();
    const server = await startTestServer();
    try {
      const uploads = join(server.dataDir, 'uploads');
      const res = await upload(server.api, [{ name: 'first.pdf', data: docs.pdf }], { more_files: 'true' });
      const { batch_id } = (await res.json()) as UploadResponse;
      const raw = await uploadThatStops(server.port, `/api/gp/batch/${batch_id}/files`, 8);
      await waitFor(async () => (await listFiles(uploads)).length >= 8, 20_000);
      raw.socket.destroy();
      await waitFor(async () => (await listFiles(uploads)).length === 0, { timeoutMs: 5_000, everyMs: 100 });

      // The batch takes the next append as if nothing happened.
      const form = new FormData();
      form.append('files', new Blob([docs.png]), 'second.png');
      const appended = await fetch(`${server.api}/batch/${batch_id}/files`, { method: 'POST', body: form });
      assert.equal(appended.status, 202);
      assert.equal(((await appended.json()) as AppendResponse).total_files, 2);
    } finally {
      await server.close();
    }
  });
});
