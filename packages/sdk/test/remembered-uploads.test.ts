/**
 * The URLs of a batch's unfinished resumable uploads, kept across a reload by a
 * fingerprint of each file: what storage holds, which file finds which upload, and when
 * they are forgotten. (The whole path, a reload in Chromium and the upload going on from
 * the server's offset, is demo-server/test/outages-e2e.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forgetUploadsUnlessOf } from '../src/session/remembered-batch.js';
import { RememberedUploads } from '../src/session/remembered-uploads.js';
import type { BatchIdStorage } from '../src/index.js';
import { memoryStorage } from './helpers.js';

/** A file of `size` bytes whose bytes all equal `fill`, modified at `lastModified`. */
function fileOf(name: string, size: number, fill: number, lastModified = 1_700_000_000_000): File {
  return new File([new Uint8Array(size).fill(fill)], name, { type: 'application/pdf', lastModified });
}

const URL_A = 'https://portal.example/api/gp/uploads/aaaa';
const URL_B = 'https://portal.example/api/gp/uploads/bbbb';

describe('RememberedUploads', () => {
  it('keeps the batch id and the upload URLs by fingerprint: no file name, nothing of the content', async () => {
    const storage = memoryStorage();
    const uploads = new RememberedUploads('batch-uploader:/api/gp', storage);
    await uploads.remember('batch-1', fileOf('Smith-John-discharge.pdf', 300_000, 7), URL_A);
    assert.deepEqual([...storage.entries.keys()], ['batch-uploader:/api/gp:uploads']);
    const kept = JSON.parse(storage.entries.get('batch-uploader:/api/gp:uploads')!) as { batch: string; uploads: Record<string, string> };
    assert.equal(kept.batch, 'batch-1');
    assert.deepEqual(Object.values(kept.uploads), [URL_A]);
    assert.match(Object.keys(kept.uploads)[0]!, /^[0-9a-f]{64}$/);
    assert.ok(!/Smith|discharge|pdf/i.test(storage.entries.get('batch-uploader:/api/gp:uploads')!));
  });

  it('finds the upload of the same file picked again (another File object, any name), not of another file', async () => {
    const uploads = new RememberedUploads('k', memoryStorage());
    await uploads.remember('batch-1', fileOf('scan.pdf', 300_000, 7), URL_A);
    await uploads.remember('batch-1', fileOf('other.pdf', 300_000, 8), URL_B);
    assert.equal(await uploads.urlOf('batch-1', fileOf('scan.pdf', 300_000, 7)), URL_A);
    assert.equal(await uploads.urlOf('batch-1', fileOf('renamed.pdf', 300_000, 7)), URL_A, 'the name plays no part');
    assert.equal(await uploads.urlOf('batch-1', fileOf('other.pdf', 300_000, 8)), URL_B);
    assert.equal(await uploads.urlOf('batch-1', fileOf('scan.pdf', 300_001, 7)), null, 'another size');
    assert.equal(await uploads.urlOf('batch-1', fileOf('scan.pdf', 300_000, 9)), null, 'other bytes');
    assert.equal(await uploads.urlOf('batch-1', fileOf('scan.pdf', 300_000, 7, 1_800_000_000_000)), null, 'modified since');
    assert.equal(await uploads.urlOf('batch-2', fileOf('scan.pdf', 300_000, 7)), null, 'another batch');
  });

  it('forgets an upload that arrived, every upload of a batch that finished, and those of a batch another replaced', async () => {
    const storage = memoryStorage();
    const uploads = new RememberedUploads('k', storage);
    const scan = fileOf('scan.pdf', 300_000, 7);
    await uploads.remember('batch-1', scan, URL_A);
    await uploads.remember('batch-1', fileOf('other.pdf', 300_000, 8), URL_B);
    await uploads.forget(scan);
    assert.equal(await uploads.urlOf('batch-1', scan), null);
    assert.equal(await uploads.urlOf('batch-1', fileOf('other.pdf', 300_000, 8)), URL_B);
    forgetUploadsUnlessOf(storage, 'k', 'batch-1');
    assert.equal(storage.entries.size, 1, 'kept while its batch runs');
    forgetUploadsUnlessOf(storage, 'k', null);
    assert.equal(storage.entries.size, 0, 'gone once the batch finished');

    await uploads.remember('batch-1', scan, URL_A);
    await uploads.remember('batch-2', fileOf('other.pdf', 300_000, 8), URL_B);
    assert.equal(await uploads.urlOf('batch-1', scan), null, 'a new batch replaces the old one');
    forgetUploadsUnlessOf(storage, 'k', 'batch-3');
    assert.equal(storage.entries.size, 0, 'another batch began');
  });

  it('a storage that throws or holds something else costs the resume only', async () => {
    const broken: BatchIdStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const uploads = new RememberedUploads('k', broken);
    await uploads.remember('batch-1', fileOf('scan.pdf', 1_000, 7), URL_A);
    assert.equal(await uploads.urlOf('batch-1', fileOf('scan.pdf', 1_000, 7)), null);
    const storage = memoryStorage();
    storage.entries.set('k:uploads', '{"batch":1,');
    assert.equal(await new RememberedUploads('k', storage).urlOf('batch-1', fileOf('scan.pdf', 1_000, 7)), null);
  });
});
