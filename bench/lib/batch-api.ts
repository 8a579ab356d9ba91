import { setTimeout as delay } from 'node:timers/promises';
import type { Batch, BatchStatusResponse } from '@batch-uploader/protocol';

/** Reads a batch from the status route of a running server (`headers`: e.g. a bearer token). */
export async function fetchBatch(api: string, batchId: string, headers: Record<string, string> = {}): Promise<Batch> {
  const response = await fetch(`${api}/batch-status/${batchId}`, { headers, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`batch-status answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as BatchStatusResponse).batch;
}

/** Polls every `everyMs` until the batch finished; fails after `timeoutMs`. */
export async function waitUntilFinished(
  api: string,
  batchId: string,
  timeoutMs: number,
  options: { headers?: Record<string, string>; everyMs?: number } = {},
): Promise<Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await fetchBatch(api, batchId, options.headers);
    if (batch.finished_at) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} did not finish within ${timeoutMs} ms (${JSON.stringify(batch.progress)}).`);
    await delay(options.everyMs ?? 100);
  }
}

/** The batch id of a 202 upload answer; throws with the answer otherwise. */
export function acceptedBatchId(status: number, body: unknown): string {
  const id = (body as { batch_id?: unknown } | null)?.batch_id;
  if (status !== 202 || typeof id !== 'string') throw new Error(`the upload was not accepted: ${status} ${JSON.stringify(body).slice(0, 500)}`);
  return id;
}
