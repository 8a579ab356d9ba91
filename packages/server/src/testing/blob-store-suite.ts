import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe } from 'node:test';
import { BlobNotFoundError } from '../store/blob-store.js';
import type { BlobStore } from '../store/blob-store.js';
import { freshInstanceTest } from './fresh-instance.js';
import type { MakeInstance } from './fresh-instance.js';

/** What a host hands the blob-store suite: a store over empty storage, and how to remove that storage. */
export type MakeBlobStore = MakeInstance<BlobStore>;

/** Keys that could name a path or nothing at all; every blob store must refuse them. */
const BAD_KEYS = ['../etc/passwd', 'a/b', '..', '.', '', 'a\\b', '/abs', 'dot.dot', 'x'.repeat(129), 'nul\0byte'];

/**
 * Registers the `BlobStore` conformance tests with `node:test`. `makeBlobStore` is called
 * once per test; the suite calls `init()` and `close()` itself. Keys are
 * `[A-Za-z0-9_-]{1,128}`: generated ids, never names.
 */
export function runBlobStoreConformanceSuite(name: string, makeBlobStore: MakeBlobStore): void {
  let temp = '';
  const tempFile = async (bytes: Buffer): Promise<string> => {
    const path = join(temp, `upload-${randomUUID()}`);
    await writeFile(path, bytes);
    return path;
  };
  const test = freshInstanceTest(makeBlobStore);

  void describe(`${name} conforms to the BlobStore contract`, () => {
    before(async () => {
      temp = await mkdtemp(join(tmpdir(), 'blob-suite-'));
    });
    after(async () => {
      await rm(temp, { recursive: true, force: true });
    });

    test('init is idempotent (calling it twice is fine)', async (store) => {
      await store.init();
      const key = newKey();
      await store.putFile(key, await tempFile(Buffer.from('hello')));
      assert.equal((await readAll(store.open(key))).toString(), 'hello');
    });

    test('bytes put under a key read back the same', async (store) => {
      const big = randomBytes(300_000); // several chunks
      const keys = { big: newKey(), empty: newKey() };
      await store.putFile(keys.big, await tempFile(big));
      await store.putFile(keys.empty, await tempFile(Buffer.alloc(0)));
      assert.ok((await readAll(store.open(keys.big))).equals(big));
      assert.equal((await readAll(store.open(keys.empty))).length, 0);
    });

    test('keys sharing a prefix stay apart', async (store) => {
      const a = `ab${newKey()}`;
      const b = `ab${newKey()}`;
      await store.putFile(a, await tempFile(Buffer.from('A')));
      await store.putFile(b, await tempFile(Buffer.from('B')));
      assert.equal((await readAll(store.open(a))).toString(), 'A');
      assert.equal((await readAll(store.open(b))).toString(), 'B');
    });

    test('the temporary file is gone after a put', async (store) => {
      const path = await tempFile(Buffer.from('bytes'));
      await store.putFile(newKey(), path);
      assert.equal(await exists(path), false);
    });

    test('the temporary file is gone after a failed put', async (store) => {
      const path = await tempFile(Buffer.from('bytes'));
      await assert.rejects(store.putFile('../nope', path));
      assert.equal(await exists(path), false);
    });

    test('opening an absent key errors with BlobNotFoundError', async (store) => {
      const key = newKey();
      await assert.rejects(readAll(store.open(key)), (error: unknown) => {
        assert.ok(error instanceof BlobNotFoundError);
        assert.equal(error.key, key);
        return true;
      });
    });

    test('a deleted key is absent, and deleting it again is fine', async (store) => {
      const key = newKey();
      await store.putFile(key, await tempFile(Buffer.from('bytes')));
      await store.delete(key);
      await assert.rejects(readAll(store.open(key)), BlobNotFoundError);
      await store.delete(key);
      await store.delete(newKey());
    });

    test('keys that could name a path, or nothing, are rejected', async (store) => {
      const uploads = await readdir(temp);
      for (const key of BAD_KEYS) {
        const label = JSON.stringify(key.slice(0, 20));
        const path = await tempFile(Buffer.from('escape'));
        await assert.rejects(store.putFile(key, path), Error, `putFile ${label}`);
        await assert.rejects(async () => readAll(store.open(key)), Error, `open ${label}`);
        await assert.rejects(store.delete(key), Error, `delete ${label}`);
      }
      assert.deepEqual((await readdir(temp)).sort(), uploads.sort(), 'nothing was written next to the uploads');
    });
  });
}

function newKey(): string {
  return randomUUID().replaceAll('-', '');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
