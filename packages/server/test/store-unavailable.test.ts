/**
 * A store that cannot be reached answers 503 UNAVAILABLE with Retry-After — the
 * server's trouble, worth trying again shortly — instead of a bare 500: a SQLite file
 * locked by another process for longer than the store waits, and a MongoDB server that
 * went away. Nothing of a refused upload is kept.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { freshDbName } from '@batch-uploader/test-support/mongo-target';
import { startMongoWireServer } from '@batch-uploader/test-support/mongo-wire';
import { documents } from '@batch-uploader/test-support/documents';
import { startTestServer } from './support/test-server.js';
import { getBatch, listFiles, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { waitFor } from '@batch-uploader/test-support/wait';

async function expect503(res: Response, method: string, path: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, 503, text);
  assert.equal(res.headers.get('retry-after'), '5');
  const body = JSON.parse(text) as ErrorResponse;
  assert.equal(body.error.code, 'UNAVAILABLE');
  assert.equal(body.error.details?.retry_after_seconds, 5);
  assertConforms(method, path, 503, body);
}

describe('a store that cannot be reached', () => {
  it('SQLite locked by another process past its busy timeout: an upload answers 503 and keeps nothing', async () => {
    const docs = await documents();
    // A short wait for the lock (the default is 5 s): every write of the refused upload waits it out.
    const server = await startTestServer({ concurrency: 1, sqliteBusyTimeoutMs: 300 });
    const other = new Database(join(server.dataDir, 'batches.sqlite'));
    try {
      const res = await upload(server.api, [{ name: 'a.pdf', data: docs.pdf }], { more_files: 'true' });
      const { batch_id } = (await res.json()) as UploadResponse;
      await waitFor1(server.api, batch_id);
      const before = await listFiles(join(server.dataDir, 'files'));

      // Another process takes the write lock and keeps it (a backup, a long migration).
      // Every write of this server, the engine's included, waits for it and gives up: the
      // lock is held for one upload only.
      other.exec('BEGIN IMMEDIATE');
      const refused = await upload(server.api, [{ name: 'b.pdf', data: docs.pdf }]);
      other.exec('ROLLBACK');
      await expect503(refused, 'POST', '/batch-upload');
      assert.deepEqual(await listFiles(join(server.dataDir, 'uploads')), []);
      assert.deepEqual(await listFiles(join(server.dataDir, 'files')), before, 'the bytes moved for the refused upload are removed');
      assert.equal((await getBatch(server.api, batch_id)).total_files, 1);

      const again = await upload(server.api, [{ name: 'b.pdf', data: docs.pdf }]);
      assert.equal(again.status, 202);
      await waitForFinished(server.api, ((await again.json()) as UploadResponse).batch_id);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await server.close();
    }
  });

  it('MongoDB gone: requests answer 503 with Retry-After once the driver gives up finding it', async () => {
    // Always the in-process wire server, even with MONGODB_URI: the test stops it.
    const mongo = await startMongoWireServer();
    const dbName = freshDbName('unavailable');
    const server = await startTestServer({ mongodbUri: `${mongo.uri}/${dbName}` });
    try {
      assert.equal((await fetch(`${server.api}/batch-history`)).status, 200);
      await mongo.close();
      await expect503(await fetch(`${server.api}/batch-history`), 'GET', '/batch-history');
    } finally {
      await server.close().catch(() => {});
    }
  });
});

/** Waits until the batch's one file is done, so the engine does not write while the lock is held. */
async function waitFor1(api: string, batchId: string): Promise<void> {
  await waitFor(async () => (await getBatch(api, batchId)).progress.completed === 1, { timeoutMs: 10_000, what: 'the first file to complete' });
}
