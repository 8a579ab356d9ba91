import assert from 'node:assert/strict';
import { FILE_ERRORS, PURGED_FILENAME } from '@batch-uploader/protocol';
import type { BatchRecord, FileRecord, NewFile } from '../store/records.js';
import type { Store } from '../store/store.js';
import { PURGED_ERROR_MESSAGE } from '../store/purged-content.js';
import { CORRUPT, mustClaim, newBatch, newFiles, rejectedFile, seed, sleep, summaryOf } from './store-fixtures.js';
import type { StoreTest } from './store-test.js';

const MINUTE = 60_000;
const SHA = 'a'.repeat(64);

/** What the built-in inspector returns for a PDF: facts, and the document's own words. */
const INSPECTED = {
  detected_type: 'application/pdf',
  bytes: 1_000,
  sha256: SHA,
  pages: 3,
  text: 'Glucose fasting 5.4 mmol/L — patient Jane Doe',
  metadata: { title: 'Laboratory results of Jane Doe', author: 'Dr Test' },
};

/** What a host's own processor might return: facts among extracted content, and a fact that is not one. */
const HOST_RESULT = { pages: 2, width: 800, height: -1, sha256: 'not a checksum', diagnosis: 'Type 2 diabetes', fields: { name: 'Jane Doe' } };

/** A host processor's own failure, whose sentence names the patient. */
const HOST_ERROR = { code: 'NO_MATCHING_CHART', message: 'No chart found for Jane Doe, born 1970-01-01.' };

/**
 * A finished batch with patient and encounter ids, as clinics send them: an inspected
 * PDF, a host processor's result, a damaged file, a host processor's failure, and a file
 * refused at upload (no bytes kept). Every byte kept is marked purged unless `keepBytes`.
 */
async function finishedClinicBatch(
  store: Store,
  options: { keepBytes?: boolean; workspace_id?: string } = {},
): Promise<{ batch: BatchRecord; files: NewFile[] }> {
  const files = [...newFiles(4, { filename: 'Jane Doe lab results.pdf' }), rejectedFile(4)];
  const batch = await store.records.createBatch(
    newBatch({
      patient_id: 'patient-123',
      template_id: 'lab-report',
      encounter_id: 'enc-9',
      ...(options.workspace_id ? { workspace_id: options.workspace_id } : {}),
    }),
    files,
  );
  const outcomes = [
    { status: 'completed' as const, result: INSPECTED },
    { status: 'completed' as const, result: HOST_RESULT },
    { status: 'failed' as const, error: CORRUPT },
    { status: 'failed' as const, error: HOST_ERROR },
  ];
  for (const outcome of outcomes) {
    const held = await mustClaim(store);
    assert.equal(held.batch.id, batch.id);
    await store.queue.finishFile(held.file.id, held.token, outcome);
  }
  if (!options.keepBytes) await store.retention.markBlobsPurged(files.slice(0, 4).map((f) => f.id));
  return { batch: await summaryOf(store, batch), files };
}

async function filesOf(store: Store, batch: BatchRecord): Promise<FileRecord[]> {
  const found = await store.records.getBatch(batch.workspace_id, batch.id);
  assert.ok(found, 'batch should exist');
  return found.files;
}

/** Registers the cases about purging what records hold of documents and patients. */
export function purgeCases(test: StoreTest): void {
  test('purgeContent removes names, document text, metadata, messages and patient ids once the bytes are gone, and keeps the facts', async (store) => {
    const { batch } = await finishedClinicBatch(store);
    const before = await filesOf(store, batch);
    assert.equal(await store.retention.purgeContent({ olderThanMs: MINUTE, limit: 10 }), 0, 'the period has not passed');
    await sleep(40);

    assert.equal(await store.retention.purgeContent({ olderThanMs: 10, limit: 10 }), 1);
    const summary = await summaryOf(store, batch);
    assert.equal(summary.patient_id, null);
    assert.equal(summary.encounter_id, null);
    assert.equal(summary.template_id, 'lab-report', 'the template is how the clinic files documents, not about the patient');
    assert.ok(summary.content_purged_at instanceof Date);
    assert.ok(summary.version > batch.version, 'the change moves the version, so no cached answer outlives it');
    assert.deepEqual(summary.counts, batch.counts);
    assert.deepEqual(summary.finished_at, batch.finished_at);

    const after = await filesOf(store, batch);
    for (const [index, file] of after.entries()) {
      const was = before[index]!;
      assert.equal(file.filename, PURGED_FILENAME);
      assert.ok(file.content_purged_at instanceof Date);
      for (const field of ['id', 'status', 'size', 'detected_type', 'attempts', 'created_at', 'started_at', 'completed_at', 'blob_purged_at'] as const) {
        assert.deepEqual(file[field], was[field], `${field} stays`);
      }
    }
    assert.deepEqual(after[0]!.result, { detected_type: 'application/pdf', bytes: 1_000, sha256: SHA, pages: 3 });
    assert.deepEqual(after[1]!.result, { pages: 2, width: 800 }, 'of a host result, only facts of their kind stay');
    assert.deepEqual(after[2]!.error, { code: 'CORRUPT_FILE', message: FILE_ERRORS.CORRUPT_FILE });
    assert.deepEqual(after[3]!.error, { code: 'NO_MATCHING_CHART', message: PURGED_ERROR_MESSAGE });
    assert.deepEqual(after[4]!.error, { code: 'UNSUPPORTED_TYPE', message: FILE_ERRORS.UNSUPPORTED_TYPE });
    const everything = JSON.stringify(await store.records.getBatch(batch.workspace_id, batch.id));
    for (const word of ['Jane Doe', 'patient-123', 'enc-9', 'Glucose', 'diabetes', 'Laboratory']) {
      assert.ok(!everything.includes(word), `"${word}" is gone from the record`);
    }
    const listed = (await store.records.listBatches(batch.workspace_id, { limit: 10 }))[0]!;
    assert.equal(listed.patient_id, null);

    assert.equal(await store.retention.purgeContent({ olderThanMs: 10, limit: 10 }), 0, 'a batch is purged once');
  });

  test('purgeContent waits for the bytes, and never touches open batches', async (store) => {
    const kept = await finishedClinicBatch(store, { keepBytes: true });
    const open = await seed(store, 2, { patient_id: 'patient-456' });
    await sleep(40);
    assert.equal(await store.retention.purgeContent({ olderThanMs: 0, limit: 10 }), 0);
    assert.equal((await summaryOf(store, kept.batch)).patient_id, 'patient-123', 'a batch whose bytes are kept keeps its content');
    assert.equal((await summaryOf(store, open.batch)).patient_id, 'patient-456');
    assert.ok((await filesOf(store, open.batch)).every((f) => f.filename !== PURGED_FILENAME && f.content_purged_at === null));

    await store.retention.markBlobsPurged(kept.files.map((f) => f.id));
    assert.equal(await store.retention.purgeContent({ olderThanMs: 0, limit: 10 }), 1);
    assert.equal((await summaryOf(store, kept.batch)).patient_id, null);
  });

  test('a batch that never kept bytes (every file refused at upload) is purged too, oldest first, `limit` at a time', async (store) => {
    const refused: BatchRecord[] = [];
    for (let i = 0; i < 3; i++) {
      refused.push(await store.records.createBatch(newBatch({ patient_id: `patient-${i}` }), [rejectedFile(0)]));
      await sleep(5);
    }
    await sleep(40);
    assert.equal(await store.retention.purgeContent({ olderThanMs: 10, limit: 2 }), 2);
    assert.deepEqual(await Promise.all(refused.map(async (b) => (await summaryOf(store, b)).patient_id)), [null, null, 'patient-2']);
    assert.equal(await store.retention.purgeContent({ olderThanMs: 10, limit: 0 }), 0);
    assert.equal(await store.retention.purgeContent({ olderThanMs: 10, limit: 2 }), 1);
    assert.equal((await filesOf(store, refused[2]!))[0]!.filename, PURGED_FILENAME);
  });
}
