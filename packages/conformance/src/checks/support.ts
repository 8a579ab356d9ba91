import { TERMINAL_BATCH_STATUSES, progressPercent, type Batch, type BatchStatusResponse, type UploadResponse } from '@batch-uploader/protocol';
import { CheckFailure, CheckSkipped, type CheckContext, type UploadedBatch } from '../check.js';
import { errorCode, type Answer } from '../contract/contract.js';
import type { UploadPart } from '../http/api-client.js';

/** A batch id no server has: a valid UUID v4 made of zeros. */
export const UNKNOWN_BATCH_ID = '00000000-0000-4000-8000-000000000000';

/** True once nothing more will happen to the batch (as the SDK decides it). */
export function isFinished(batch: Pick<Batch, 'status' | 'finished_at'>): boolean {
  return batch.finished_at !== null && TERMINAL_BATCH_STATUSES.includes(batch.status);
}

/** The error code of an error envelope, or null. */
export function codeOf(answer: Answer): string | null {
  const code = errorCode(answer.body).trim();
  return code === '' ? null : code;
}

/** Fails unless the answer has `status` (and, for errors, the envelope's `code`). */
export function expectStatus(answer: Answer, label: string, status: number, code?: string): void {
  const got = codeOf(answer);
  if (answer.status !== status) {
    throw new CheckFailure(`${label} answered ${answer.status}${got ? ` ${got}` : ''}, expected ${status}${code ? ` ${code}` : ''}`);
  }
  if (code !== undefined && got !== code) {
    throw new CheckFailure(`${label} answered ${status} with ${got ? `code ${got}` : 'no error envelope'}, expected code ${code}`);
  }
}

/** The progress counts agree with the file list and the total. */
export function expectConsistent(batch: Batch, label: string): void {
  const { progress, files } = batch;
  const counted = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const file of files) counted[file.status]++;
  for (const key of Object.keys(counted) as (keyof typeof counted)[]) {
    if (progress[key] !== counted[key]) {
      throw new CheckFailure(`${label}: progress.${key} is ${progress[key]} but ${counted[key]} files are ${key}`);
    }
  }
  if (files.length !== batch.total_files) throw new CheckFailure(`${label}: total_files is ${batch.total_files} but the batch lists ${files.length} files`);
  if (progress.percent !== progressPercent(progress)) {
    throw new CheckFailure(`${label}: progress.percent is ${progress.percent}, expected ${progressPercent(progress)} (final files × 100 ÷ all, rounded down)`);
  }
}

/** `GET /batch-status/{id}` checked against the document; expects 200. */
export async function readStatus(context: CheckContext, batchId: string): Promise<{ batch: Batch; etag: string | null }> {
  const label = 'GET /batch-status/{batch_id}';
  const answer = await context.contract.answer('GET', label.slice(4), await context.api.request('GET', `/batch-status/${batchId}`));
  expectStatus(answer, label, 200);
  const { batch } = answer.body as BatchStatusResponse;
  if (batch.id !== batchId) throw new CheckFailure(`${label} answered the batch ${batch.id} for ${batchId}`);
  expectConsistent(batch, label);
  return { batch, etag: answer.headers.get('etag') };
}

/** Polls the status until the batch is final; every answer is checked. */
export async function waitForFinal(context: CheckContext, batchId: string): Promise<Batch> {
  const deadline = Date.now() + context.timeoutMs;
  for (;;) {
    const { batch } = await readStatus(context, batchId);
    if (isFinished(batch)) return batch;
    if (Date.now() > deadline) {
      const final = batch.progress.completed + batch.progress.failed + batch.progress.cancelled;
      throw new CheckFailure(
        `the batch did not finish within ${seconds(context.timeoutMs)} (status ${batch.status}, ${final} of ${batch.total_files} files final, finished_at ${batch.finished_at === null ? 'null' : 'set'})`,
      );
    }
    await sleep(context.pollIntervalMs);
  }
}

/** Uploads files as a new batch; expects 202 (200 and 201 are taken, as the SDK takes any 2xx). */
export async function uploadBatch(context: CheckContext, files: readonly UploadPart[], fields: Record<string, string> = {}): Promise<UploadedBatch> {
  const answer = await postUpload(context, files, fields);
  return acceptedUpload(context, answer, files.length);
}

/** Posts `/batch-upload` and checks the answer against the document. */
export async function postUpload(context: CheckContext, files: readonly UploadPart[], fields: Record<string, string> = {}): Promise<Answer> {
  const res = await context.api.upload('/batch-upload', files, fields);
  // 200 and 201 are not in the document, but the SDK takes them: checked against its 202 answer.
  return context.contract.answer('POST', '/batch-upload', res, res.status === 200 || res.status === 201 ? { documentedAs: 202 } : {});
}

/** Reads an accepted upload's answer and records the batch. */
export function acceptedUpload(context: CheckContext, answer: Answer, files: number): UploadedBatch {
  if (answer.status !== 200 && answer.status !== 201) expectStatus(answer, 'POST /batch-upload', 202);
  const body = answer.body as UploadResponse;
  if (body.total_files !== files) throw new CheckFailure(`POST /batch-upload: total_files is ${body.total_files} for ${files} files sent`);
  context.state.created.push(body.batch_id);
  return { id: body.batch_id, files, trackingUrl: body.tracking_url };
}

/** The two valid documents the server accepts, as limits allow: PDF and PNG, or what is accepted of them. */
export function validFiles(context: CheckContext, count = 2): UploadPart[] {
  const accepted = context.state.limits?.accepted_types ?? [];
  const kinds = [
    { type: 'application/pdf', ext: 'pdf', bytes: context.documents.pdf },
    { type: 'image/png', ext: 'png', bytes: context.documents.png },
  ].filter((k) => accepted.includes(k.type));
  if (kinds.length === 0) throw new CheckSkipped('the server accepts neither application/pdf nor image/png, the documents this kit sends');
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    return { name: `conformance-${i + 1}.${kind.ext}`, bytes: kind.bytes };
  });
}

/** The state's limits, or a skip when the `limits` check could not read them. */
export function limitsOf(context: CheckContext) {
  const limits = context.state.limits;
  if (!limits) throw new CheckSkipped('the limits could not be read');
  return limits;
}

/** The main batch, or a skip. */
export function mainBatch(context: CheckContext) {
  const main = context.state.main;
  if (!main) throw new CheckSkipped('no batch was uploaded');
  return main;
}

/** Milliseconds as whole seconds, for reasons. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
