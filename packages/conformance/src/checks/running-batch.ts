import type { Batch, BatchStatusResponse } from '@batch-uploader/protocol';
import { CheckFailure, CheckSkipped, type CheckContext } from '../check.js';
import { expectStatus, isFinished, limitsOf, readStatus, uploadBatch, validFiles } from './support.js';

/** Batches tried before giving up on catching one still running. */
const TRIES = 3;

/**
 * Uploads a batch of several files and at once POSTs `/batch/{id}/{action}`, so that the
 * action reaches a batch still running. A server that finished the batch first answers
 * 409 `BATCH_NOT_OPEN`, which is right; then another batch is tried. Returns the 200
 * answer's batch; skips when every batch finished before its action arrived.
 */
export async function actOnRunningBatch(context: CheckContext, action: 'cancel' | 'pause', optional: boolean): Promise<{ id: string; batch: Batch }> {
  const count = Math.min(limitsOf(context).max_files, 8);
  const path = `/batch/{batch_id}/${action}`;
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const { id } = await uploadBatch(context, validFiles(context, count));
    const answer = await context.contract.answer('POST', path, await context.api.request('POST', `/batch/${id}/${action}`), { optional });
    if (answer.status === 409) {
      expectStatus(answer, `POST ${path} of a batch that finished first`, 409, 'BATCH_NOT_OPEN');
      const { batch } = await readStatus(context, id);
      if (!isFinished(batch)) throw new CheckFailure(`POST ${path} answered 409 BATCH_NOT_OPEN for a batch that is ${batch.status}, not finished`);
      continue;
    }
    expectStatus(answer, `POST ${path}`, 200);
    const { batch } = answer.body as BatchStatusResponse;
    if (batch.id !== id) throw new CheckFailure(`POST ${path} answered another batch`);
    return { id, batch };
  }
  throw new CheckSkipped(
    `each of ${TRIES} batches of ${count} files finished before its ${action} arrived (rightly answered 409 BATCH_NOT_OPEN), so a ${action} of a running batch could not be seen; a processing delay on the server makes it visible`,
  );
}
