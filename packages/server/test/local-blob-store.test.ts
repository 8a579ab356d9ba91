import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { LocalBlobStore } from '../src/stores/local/index.js';
import { runBlobStoreConformanceSuite } from '../src/testing/index.js';

const root = await mkdtemp(join(tmpdir(), 'local-blob-store-'));
after(() => rm(root, { recursive: true, force: true }));

// A tmpfs on another device than the temp folder makes rename fail with EXDEV.
const shm = '/dev/shm';
const crossDevice = await Promise.all([stat(shm).catch(() => null), stat(tmpdir())]).then(([a, b]) => a !== null && a.isDirectory() && a.dev !== b.dev);

runBlobStoreConformanceSuite('LocalBlobStore', async () => {
  const dir = await mkdtemp(join(root, 'suite-'));
  return { store: new LocalBlobStore({ dir: join(dir, 'blobs') }), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

/** Every path under `dir`, relative to it. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((e) => relative(dir, join(dir, e))).sort();
}

async function setUp(): Promise<{ base: string; blobs: string; store: LocalBlobStore; upload: (name: string) => Promise<string> }> {
  const base = await mkdtemp(join(root, 'case-'));
  const blobs = join(base, 'store', 'blobs');
  const store = new LocalBlobStore({ dir: blobs });
  await store.init();
  const upload = async (name: string): Promise<string> => {
    const path = join(base, name);
    await writeFile(path, 'patient record');
    return path;
  };
  return { base, blobs, store, upload };
}

void describe('LocalBlobStore on disk', () => {
  void it('a key can never escape the folder', async () => {
    const { base, store, upload } = await setUp();
    const keys = ['../escape', '../../escape', '..', 'a/../../escape', '/tmp/escape', '..\\escape', 'store/../escape'];
    for (const key of keys) {
      await assert.rejects(store.putFile(key, await upload('upload.tmp')), /invalid blob key/, key);
      assert.throws(() => store.open(key), /invalid blob key/, key);
      await assert.rejects(store.delete(key), /invalid blob key/, key);
    }
    assert.deepEqual(await tree(base), ['store', 'store/blobs'], 'nothing was written anywhere, not even a shard folder');
  });

  void it('bytes are sharded by the first two characters and private to the owner', async () => {
    const { blobs, store, upload } = await setUp();
    await store.putFile('Ab_3-key', await upload('u1'));
    assert.deepEqual(await tree(blobs), ['Ab', 'Ab/Ab_3-key']);
    assert.equal((await stat(join(blobs, 'Ab', 'Ab_3-key'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(blobs, 'Ab'))).mode & 0o777, 0o700);
    assert.equal((await stat(blobs)).mode & 0o777, 0o700);
  });

  void it('a put across devices copies the bytes and leaves no part file', { skip: !crossDevice && 'no second device' }, async () => {
    const { blobs, store } = await setUp();
    const elsewhere = await mkdtemp(join(shm, 'blob-upload-'));
    try {
      const path = join(elsewhere, 'upload.tmp');
      await writeFile(path, 'across devices');
      await store.putFile('crossdevice1', path);
      assert.deepEqual(await readdir(elsewhere), [], 'the temporary file is gone');
      assert.deepEqual(await tree(blobs), ['cr', 'cr/crossdevice1']);
      const chunks: Buffer[] = [];
      for await (const chunk of store.open('crossdevice1')) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), 'across devices');
      assert.equal((await stat(join(blobs, 'cr', 'crossdevice1'))).mode & 0o777, 0o600);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
