import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toProcessorFile } from '../src/engine/run-file.js';
import type { ClaimedFile } from '../src/store/records.js';
import { LocalBlobStore } from '../src/stores/local/index.js';

const root = await mkdtemp(join(tmpdir(), 'processor-file-'));
const blobs = new LocalBlobStore({ dir: join(root, 'blobs') });
const bytes = randomBytes(300_000); // several chunks of a file stream
before(async () => {
  await blobs.init();
  await writeFile(join(root, 'upload'), bytes);
  await blobs.putFile('doc', join(root, 'upload'));
});
after(async () => {
  await blobs.close();
  await rm(root, { recursive: true, force: true });
});

/** A claimed file of the stored document, recorded with `size`. */
function claimed(size: number): ClaimedFile {
  const at = new Date();
  return {
    token: 't',
    batch: { id: 'b' } as ClaimedFile['batch'],
    file: {
      id: 'f',
      batch_id: 'b',
      workspace_id: 'w',
      position: 0,
      filename: 'scan.pdf',
      size,
      declared_type: null,
      detected_type: 'application/pdf',
      blob_key: 'doc',
      status: 'processing',
      attempts: 1,
      error: null,
      result: null,
      review: null,
      created_at: at,
      started_at: at,
      completed_at: null,
      run_after: null,
      lease_owner: 'w',
      lease_expires_at: at,
      blob_purged_at: null,
      content_purged_at: null,
    },
  };
}

describe("a processor file's read()", () => {
  it('gives the stored bytes in one buffer of their own, ready to move to a worker thread', async () => {
    const read = await toProcessorFile(claimed(bytes.length), blobs).read();
    assert.ok(read.equals(bytes));
    assert.equal(read.byteOffset, 0);
    assert.equal(read.buffer.byteLength, bytes.length, 'the buffer holds this file alone');
  });

  it('gives exactly the stored bytes when the recorded size is larger or smaller', async () => {
    for (const size of [0, 1, 70_000, bytes.length - 1, bytes.length + 1, bytes.length * 2]) {
      const read = await toProcessorFile(claimed(size), blobs).read();
      assert.ok(read.equals(bytes), `recorded size ${size}`);
    }
  });
});
