import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { FILE_ERRORS, type FileError } from '@batch-uploader/protocol';
import type { BatchRecord, ClaimedFile, FileRecord, NewBatch, NewFile } from '../store/records.js';
import type { Store } from '../store/store.js';

/** A lease long enough never to expire during a test. */
export const LONG_LEASE_MS = 10 * 60_000;

/** A lease short enough to expire during a test. */
export const SHORT_LEASE_MS = 60;

/** An error a processor might report. */
export const CORRUPT: FileError = { code: 'CORRUPT_FILE', message: FILE_ERRORS.CORRUPT_FILE };

/** The error cancelled files carry. */
export const CANCELLED: FileError = { code: 'CANCELLED', message: FILE_ERRORS.CANCELLED };

/** The error of a file whose worker kept dying. */
export const WORKER_LOST: FileError = { code: 'WORKER_LOST', message: FILE_ERRORS.WORKER_LOST };

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A new batch of a fresh workspace, unless overridden. */
export function newBatch(overrides: Partial<NewBatch> = {}): NewBatch {
  return {
    id: randomUUID(),
    workspace_id: `ws-${randomUUID()}`,
    priority: 'normal',
    patient_id: null,
    template_id: null,
    encounter_id: null,
    ...overrides,
  };
}

/** `count` pending files at positions 0..count-1, each with its own blob key. */
export function newFiles(count: number, overrides: Partial<NewFile> = {}): NewFile[] {
  return Array.from({ length: count }, (_, position) => ({
    id: randomUUID(),
    position,
    filename: `scan-${position}.pdf`,
    size: 1_000 + position,
    declared_type: 'application/pdf',
    detected_type: 'application/pdf',
    blob_key: randomUUID().replaceAll('-', ''),
    status: 'pending' as const,
    error: null,
    ...overrides,
  }));
}

/** A file rejected at upload: failed from the start, with no bytes kept. */
export function rejectedFile(position: number): NewFile {
  return {
    ...newFiles(1)[0]!,
    position,
    detected_type: null,
    blob_key: null,
    status: 'failed',
    error: { code: 'UNSUPPORTED_TYPE', message: FILE_ERRORS.UNSUPPORTED_TYPE },
  };
}

/** Creates a batch of `count` pending files and returns it with its files. */
export async function seed(store: Store, count: number, batch: Partial<NewBatch> = {}): Promise<{ batch: BatchRecord; files: NewFile[] }> {
  const files = newFiles(count);
  const record = await store.records.createBatch(newBatch(batch), files);
  return { batch: record, files };
}

/** Claims a file and fails the test when none is ready. */
export async function mustClaim(store: Store, leaseMs = LONG_LEASE_MS, owner = 'worker-a'): Promise<ClaimedFile> {
  const claimed = await store.queue.claimFile({ owner, leaseMs });
  assert.ok(claimed, 'expected a file to be ready for claiming');
  return claimed;
}

/** One file of a batch as the store now has it. */
export async function fileOf(store: Store, batch: BatchRecord, fileId: string): Promise<FileRecord> {
  const found = await store.records.getBatch(batch.workspace_id, batch.id);
  assert.ok(found, 'batch should exist');
  const file = found.files.find((f) => f.id === fileId);
  assert.ok(file, 'file should exist');
  return file;
}

/** The batch as the store now has it. */
export async function summaryOf(store: Store, batch: BatchRecord): Promise<BatchRecord> {
  const found = await store.records.getBatchSummary(batch.workspace_id, batch.id);
  assert.ok(found, 'batch should exist');
  return found;
}

/** Asserts that every view of a batch reports counts that match its files and add up to total_files. */
export async function assertCountsAddUp(store: Store, batch: BatchRecord): Promise<void> {
  const full = await store.records.getBatch(batch.workspace_id, batch.id);
  assert.ok(full, 'batch should exist');
  const tally = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const file of full.files) tally[file.status] += 1;
  assert.deepEqual(full.batch.counts, tally);
  assert.equal(full.files.length, full.batch.total_files);
  const summary = await summaryOf(store, batch);
  assert.deepEqual(summary.counts, tally);
  const listed = (await store.records.listBatches(batch.workspace_id, { limit: 100 })).find((b) => b.id === batch.id);
  assert.deepEqual(listed?.counts, tally);
}
