import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { BatchStatusResponse, CreateBatchResponse } from '@batch-uploader/protocol';
import { BatchEngine, createBatchRouter } from '../src/index.js';
import { GridFsBlobStore, MongoClient, MongoResumableStore, MongoStore } from '../src/stores/mongodb/index.js';
import { makeImage } from '@batch-uploader/test-support/documents';
import { freshDbName, mongoTarget, type MongoTarget } from '@batch-uploader/test-support/mongo-target';

// Resumable uploads on MongoDB: two server instances on one database, each with its own
// private folder. An upload begun on one continues on the other, because its offset and
// bytes live in the database. Runs against the wire test server, or a real mongod when
// MONGODB_URI is set.

interface Instance {
  api: string;
  dir: string;
  close(): Promise<void>;
}

const clinic = { 'x-workspace': 'clinic-a' };
let target: MongoTarget;
let client: MongoClient;
let a: Instance;
let b: Instance;
let parts: MongoResumableStore;
let dbName: string;

async function startInstance(dbName: string): Promise<Instance> {
  const dir = await mkdtemp(join(tmpdir(), 'resumable-mongo-'));
  const store = new MongoStore({ client, dbName });
  const blobs = new GridFsBlobStore({ client, dbName });
  const resumable = new MongoResumableStore({ client, dbName });
  await Promise.all([store.init(), blobs.init(), resumable.init()]);
  const engine = new BatchEngine({ store, blobs, processor: async (file) => ({ bytes: file.size }), pollIntervalMs: 20 });
  await engine.start();
  const app = express();
  app.use(
    '/api',
    createBatchRouter({
      engine,
      authenticate: ({ req }) => (req.get('x-workspace') ? { workspace_id: req.get('x-workspace')! } : null),
      uploadDir: join(dir, 'uploads'),
      resumable: { dir: join(dir, 'resumable'), store: resumable },
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    dir: join(dir, 'resumable'),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

before(async () => {
  target = await mongoTarget();
  dbName = freshDbName('resumable');
  client = new MongoClient(target.uriFor(dbName));
  await client.connect();
  [a, b] = await Promise.all([startInstance(dbName), startInstance(dbName)]);
  parts = new MongoResumableStore({ client, dbName });
  await parts.init();
});
after(async () => {
  await a?.close();
  await b?.close();
  await client?.close();
  await target?.close();
});

const tus = (headers: Record<string, string> = {}) => ({ ...clinic, 'Tus-Resumable': '1.0.0', ...headers });

/** A batch made on instance A and a tus upload of `length` bytes begun in it there (none sent): their ids. */
async function beginUpload(length: number): Promise<{ batch_id: string; id: string }> {
  const made = await fetch(`${a.api}/batches`, { method: 'POST', headers: clinic });
  const { batch_id } = (await made.json()) as CreateBatchResponse;
  const created = await fetch(`${a.api}/uploads`, {
    method: 'POST',
    headers: tus({ 'Upload-Length': String(length), 'Upload-Metadata': `batch_id ${Buffer.from(batch_id).toString('base64')}` }),
  });
  assert.equal(created.status, 201);
  return { batch_id, id: created.headers.get('location')!.split('/').pop()! };
}

describe(`resumable uploads on MongoDB (${process.env.MONGODB_URI ? 'mongod' : 'wire test server'})`, () => {
  it('an upload begun on one instance is continued on the other from the offset in the database, and joins the batch', async () => {
    const image = await makeImage('png', { width: 700, height: 500 });
    const made = await fetch(`${a.api}/batches`, { method: 'POST', headers: clinic });
    const { batch_id } = (await made.json()) as CreateBatchResponse;
    const created = await fetch(`${a.api}/uploads`, {
      method: 'POST',
      headers: tus({
        'Upload-Length': String(image.length),
        'Upload-Metadata': `batch_id ${Buffer.from(batch_id).toString('base64')},filename ${Buffer.from('wound.png').toString('base64')}`,
      }),
    });
    assert.equal(created.status, 201);
    const path = new URL(created.headers.get('location')!, a.api).pathname.replace(/^\/api/, '');

    // Two thirds through A (several parts of 255 KiB and a partial one), the rest through B.
    const cut = Math.floor((image.length * 2) / 3);
    const first = await fetch(a.api + path, {
      method: 'PATCH',
      headers: tus({ 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }),
      body: new Uint8Array(image.subarray(0, cut)),
    });
    assert.equal(first.status, 204);
    const head = await fetch(b.api + path, { method: 'HEAD', headers: tus() });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), String(cut), 'the other instance knows the offset');
    assert.equal((await fetch(b.api + path, { method: 'HEAD', headers: tus({ 'x-workspace': 'clinic-b' }) })).status, 404, 'another workspace does not');
    const stale = await fetch(b.api + path, {
      method: 'PATCH',
      headers: tus({ 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }),
      body: new Uint8Array(image.subarray(0, 10)),
    });
    assert.equal(stale.status, 409, "bytes at an offset that is not the upload's are refused");
    const rest = await fetch(b.api + path, {
      method: 'PATCH',
      headers: tus({ 'Upload-Offset': String(cut), 'Content-Type': 'application/offset+octet-stream' }),
      body: new Uint8Array(image.subarray(cut)),
    });
    assert.equal(rest.status, 204);
    const fileId = rest.headers.get('upload-file-id');

    assert.equal((await fetch(a.api + `/batch/${batch_id}/close`, { method: 'POST', headers: clinic })).status, 200);
    let batch: BatchStatusResponse['batch'] | undefined;
    for (let i = 0; i < 200 && !batch?.finished_at; i++) {
      batch = ((await (await fetch(`${a.api}/batch-status/${batch_id}`, { headers: clinic })).json()) as BatchStatusResponse).batch;
      if (!batch.finished_at) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.deepEqual(
      batch?.files.map((file) => [file.file_id, file.status, file.size, file.result]),
      [[fileId, 'completed', image.length, { bytes: image.length }]],
    );
    assert.equal((await fetch(a.api + path, { method: 'HEAD', headers: tus() })).status, 404, 'the finished upload is gone from the database');
    await assert.rejects(parts.getUpload(path.split('/').pop()!));
    assert.deepEqual([...(await readdir(a.dir)), ...(await readdir(b.dir))], [], 'nothing is left in either folder');
  });

  it('an ended upload loses its bytes in the database; an expired one is swept', async () => {
    const { batch_id, id } = await beginUpload(1000);
    await fetch(`${a.api}/uploads/${id}`, {
      method: 'PATCH',
      headers: tus({ 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }),
      body: new Uint8Array(300),
    });
    assert.equal((await parts.getUpload(id)).offset, 300);
    assert.equal((await fetch(`${b.api}/uploads/${id}`, { method: 'DELETE', headers: tus() })).status, 204);
    await assert.rejects(parts.getUpload(id));
    assert.equal(
      await parts
        .read(id)
        .toArray()
        .then((chunks) => chunks.length),
      0,
      'its parts are gone',
    );

    const old = await fetch(`${a.api}/uploads`, {
      method: 'POST',
      headers: tus({ 'Upload-Length': '1000', 'Upload-Metadata': `batch_id ${Buffer.from(batch_id).toString('base64')}` }),
    });
    const oldId = old.headers.get('location')!.split('/').pop()!;
    // A store whose uploads expire after 1 ms sweeps it, as the route does every so often.
    const sweeper = new MongoResumableStore({ client, dbName, expireAfterMs: 1 });
    await sweeper.init();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok((await sweeper.deleteExpired()) >= 1);
    await assert.rejects(parts.getUpload(oldId));
    assert.equal((await fetch(`${a.api}/uploads/${oldId}`, { method: 'HEAD', headers: tus() })).status, 404);
  });

  it('an unfinished upload begun on one instance, whose batch another finished, is removed by a sweep with its parts', async () => {
    const { batch_id, id } = await beginUpload(600_000);
    const path = `/uploads/${id}`;
    const sent = await fetch(a.api + path, {
      method: 'PATCH',
      headers: tus({ 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }),
      body: new Uint8Array(300_000),
    });
    assert.equal(sent.status, 204);
    assert.ok((await parts.listUploads()).includes(id), 'the store lists it');

    // Finished through B: A, which began the upload, is not told in its process.
    assert.equal((await fetch(`${b.api}/batch/${batch_id}/cancel`, { method: 'POST', headers: clinic })).status, 200);
    assert.equal((await fetch(a.api + path, { method: 'HEAD', headers: tus() })).status, 200, 'still held after the cancel');

    // A new instance sweeps on its first request to the route.
    const c = await startInstance(dbName);
    try {
      await fetch(c.api + path, { method: 'HEAD', headers: tus() });
      // The store removes the upload's record, then its parts: both are waited for.
      const partsLeft = () => client.db(dbName).collection('batch_uploader_resumable_upload_parts').countDocuments({ upload_id: id });
      for (let i = 0; i < 400 && ((await parts.listUploads()).includes(id) || (await partsLeft()) > 0); i++)
        await new Promise((resolve) => setTimeout(resolve, 25));
      assert.ok(!(await parts.listUploads()).includes(id), 'the upload was removed');
      assert.equal(await partsLeft(), 0, 'with its bytes');
      assert.equal((await fetch(a.api + path, { method: 'HEAD', headers: tus() })).status, 404);
    } finally {
      await c.close();
    }
  });
});
