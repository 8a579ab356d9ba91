import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Batch, BatchStatusResponse, UploadResponse } from '@batch-uploader/protocol';
import { startExampleApp, type ExampleApp } from '../examples/own-processor.js';
import { documentFixtures, type DocumentFixtures } from '@batch-uploader/test-support/documents';
import { waitFor } from '@batch-uploader/test-support/wait';

let dataDir: string;
let app: ExampleApp;
let docs: DocumentFixtures;

before(async () => {
  docs = await documentFixtures();
  dataDir = await mkdtemp(join(tmpdir(), 'own-processor-'));
  app = await startExampleApp({ dataDir, port: 0 });
});
after(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function upload(files: Record<string, Buffer>, fields: Record<string, string>): Promise<string> {
  const form = new FormData();
  for (const [name, bytes] of Object.entries(files)) form.append('files', new Blob([new Uint8Array(bytes)]), name);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const res = await fetch(`${app.api}/batch-upload`, { method: 'POST', body: form });
  assert.equal(res.status, 202);
  return ((await res.json()) as UploadResponse).batch_id;
}

async function batch(id: string): Promise<Batch> {
  return ((await (await fetch(`${app.api}/batch-status/${id}`)).json()) as BatchStatusResponse).batch;
}

const finished = (id: string) => waitFor(async () => ((await batch(id)).finished_at ? batch(id) : null));

describe('the own-processor example (packages/server/examples/own-processor.ts)', () => {
  it("files each document with the host's function and stores what it returns as the result", async () => {
    const id = await upload({ 'referral.pdf': docs.pdf1, 'scan.png': docs.png }, { patient_id: 'P-77' });
    const done = await finished(id);
    assert.equal(done.status, 'completed');
    for (const [file, bytes] of [
      [done.files[0]!, docs.pdf1],
      [done.files[1]!, docs.png],
    ] as const) {
      const result = file.result as { record_id: string; sha256: string; bytes: number };
      assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(app.records.documents.get(result.record_id)?.patient_id, 'P-77', "filed for the batch's patient");
    }
  });

  it('a PermanentError fails the file at once with its code and message', async () => {
    const done = await finished(await upload({ 'unknown-patient.pdf': docs.pdf1 }, {}));
    assert.equal(done.status, 'failed');
    assert.equal(done.files[0]!.attempts, 1);
    assert.deepEqual(done.files[0]!.error, { code: 'NO_PATIENT', message: 'Choose the patient, then upload this document again.' });
  });

  it("a TransientError is tried again until the host's system answers", async () => {
    app.records.available = false;
    const id = await upload({ 'later.pdf': docs.pdf1 }, { patient_id: 'P-78' });
    // The first attempt failed and the file waits for its next one.
    await waitFor(async () => {
      const [file] = (await batch(id)).files;
      return file!.attempts >= 1 && file!.status === 'pending' ? true : null;
    });
    app.records.available = true;
    const done = await finished(id);
    assert.equal(done.status, 'completed');
    assert.ok(done.files[0]!.attempts >= 2, `tried again (${done.files[0]!.attempts} attempts)`);
  });
});
