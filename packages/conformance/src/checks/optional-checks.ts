import type { AnalyticsResponse, AppendResponse, Batch, BatchStatusResponse, RetryResponse } from '@batch-uploader/protocol';
import { CheckFailure, CheckSkipped, NotSupported, type Check, type CheckContext } from '../check.js';
import type { Answer } from '../contract/contract.js';
import { actOnRunningBatch } from './running-batch.js';
import { acceptedUpload, codeOf, expectStatus, isFinished, limitsOf, postUpload, readStatus, seconds, sleep, validFiles, waitForFinal } from './support.js';

/** POSTs `/batch/{id}/{action}`; a backend without the route is reported as not supporting it. */
async function post(context: CheckContext, action: string, id: string, body?: FormData): Promise<Answer> {
  const path = `/batch/{batch_id}/${action}`;
  return context.contract.answer('POST', path, await context.api.request('POST', `/batch/${id}/${action}`, body ? { body } : {}), { optional: true });
}

/** Uploads one file with `more_files=true`; "not supported" when the server refuses the field. */
async function heldBatch(context: CheckContext): Promise<string> {
  const answer = await postUpload(context, validFiles(context, 1), { more_files: 'true' });
  if (answer.status === 400 && codeOf(answer) === 'INVALID_FIELD')
    throw new NotSupported('not supported: the upload refuses the more_files field (400 INVALID_FIELD)');
  return acceptedUpload(context, answer, 1).id;
}

/** Polls until `check` holds for the batch, within the run's timeout. */
async function waitUntil(context: CheckContext, id: string, what: string, check: (batch: Batch) => boolean): Promise<Batch> {
  const deadline = Date.now() + context.timeoutMs;
  for (;;) {
    const { batch } = await readStatus(context, id);
    if (check(batch)) return batch;
    if (Date.now() > deadline) throw new CheckFailure(`${what} did not happen within ${seconds(context.timeoutMs)} (status ${batch.status})`);
    await sleep(context.pollIntervalMs);
  }
}

const pause: Check = {
  id: 'pause',
  title: "POST /batch/{batch_id}/pause holds a running batch's pending files (status paused; pausing again is fine) and /resume lets it finish",
  required: false,
  needs: ['limits'],
  async run(context) {
    const { id, batch } = await actOnRunningBatch(context, 'pause', true);
    if (batch.progress.pending > 0 && batch.status !== 'paused')
      throw new CheckFailure(`the pause answered the batch as ${batch.status} with ${batch.progress.pending} files pending`);
    const again = await post(context, 'pause', id);
    expectStatus(again, 'POST /batch/{batch_id}/pause of a paused batch', 200);
    // While paused, no pending file may start: the pending count cannot go down.
    const held = (await readStatus(context, id)).batch;
    await sleep(Math.max(1_000, 4 * context.pollIntervalMs));
    const later = (await readStatus(context, id)).batch;
    if (later.progress.pending < held.progress.pending)
      throw new CheckFailure(`a pending file started while the batch was paused (${held.progress.pending} pending, then ${later.progress.pending})`);
    const resumed = await post(context, 'resume', id);
    expectStatus(resumed, 'POST /batch/{batch_id}/resume', 200);
    if ((resumed.body as BatchStatusResponse).batch.status === 'paused') throw new CheckFailure('the resume answered the batch as still paused');
    const final = await waitForFinal(context, id);
    return `paused with ${held.progress.pending} files pending, none started while paused; resumed and ${final.status}`;
  },
};

const append: Check = {
  id: 'append',
  title:
    'POST /batch/{batch_id}/files adds files to a batch held open with more_files=true (202, the new file ids); the last part lets it finish; a finished batch answers 409 BATCH_NOT_OPEN',
  required: false,
  needs: ['limits'],
  async run(context) {
    const id = await heldBatch(context);
    const form = new FormData();
    const [file] = validFiles(context, 2).slice(1);
    form.append('files', file!.bytes, file!.name);
    let answer: Answer;
    try {
      answer = await post(context, 'files', id, form);
    } catch (error) {
      // Releases the hold, so the batch finishes rather than wait for the hold to run out.
      if (error instanceof NotSupported) await context.api.request('POST', `/batch/${id}/close`).then((res) => res.body?.cancel());
      throw error;
    }
    if (answer.status === 409) throw new CheckFailure('the append answered 409: a batch uploaded with more_files=true was not held open');
    expectStatus(answer, 'POST /batch/{batch_id}/files', 202);
    const body = answer.body as AppendResponse;
    if (body.batch_id !== id || body.appended_files !== 1 || body.total_files !== 2 || body.file_ids.length !== 1) {
      throw new CheckFailure(
        `the append answered appended_files ${body.appended_files}, total_files ${body.total_files}, ${body.file_ids.length} file ids for 1 file added to 1`,
      );
    }
    const final = await waitForFinal(context, id);
    if (final.files[1]?.file_id !== body.file_ids[0]) throw new CheckFailure("the appended file is not the batch's second file");
    const late = await post(context, 'files', id, form);
    expectStatus(late, 'POST /batch/{batch_id}/files of a finished batch', 409, 'BATCH_NOT_OPEN');
    return `202 with the new file id, which became the second file; the batch then finished ${final.status}; 409 BATCH_NOT_OPEN once finished`;
  },
};

const close: Check = {
  id: 'close',
  title: 'A batch held open with more_files=true does not finish when its files are done; POST /batch/{batch_id}/close lets it finish (closing again is fine)',
  required: false,
  needs: ['limits'],
  async run(context) {
    const id = await heldBatch(context);
    const done = await waitUntil(context, id, "the held batch's file finishing", (b) => b.progress.pending + b.progress.processing === 0);
    const closed = await post(context, 'close', id);
    if (done.finished_at !== null || !done.accepting_files) throw new CheckFailure(`the held batch finished (${done.status}) before it was closed`);
    expectStatus(closed, 'POST /batch/{batch_id}/close', 200);
    const final = await waitForFinal(context, id);
    expectStatus(await post(context, 'close', id), 'POST /batch/{batch_id}/close of a closed batch', 200);
    return `held open (${done.status}, accepting_files) with its file done; closed, then ${final.status}`;
  },
};

const retry: Check = {
  id: 'retry',
  title:
    'POST /batch/{batch_id}/retry puts failed files back (200, retried ≥ 1) and the batch finishes again; a batch with nothing to retry answers 409 NOTHING_TO_RETRY',
  required: false,
  needs: ['limits'],
  async run(context) {
    if (!limitsOf(context).accepted_types.includes('application/pdf'))
      throw new CheckSkipped('the server does not accept PDFs, and the damaged document the kit sends is one');
    const answer = await postUpload(context, [{ name: 'conformance-damaged.pdf', bytes: context.documents.truncatedPdf }]);
    const { id } = acceptedUpload(context, answer, 1);
    const first = await waitForFinal(context, id);
    if (first.progress.failed === 0) throw new CheckSkipped('the server completed a damaged PDF (cut in half), so there was no failed file to retry');
    const retried = await post(context, 'retry', id);
    expectStatus(retried, 'POST /batch/{batch_id}/retry', 200);
    const body = retried.body as RetryResponse;
    if (body.retried < 1 || isFinished(body.batch))
      throw new CheckFailure(`the retry answered retried ${body.retried} with the batch ${body.batch.status}; expected it reopened`);
    const again = await waitForFinal(context, id);
    const main = context.state.mainFinal;
    if (!main || main.progress.failed > 0 || main.status !== 'completed') return `retried ${body.retried}; finished again ${again.status}`;
    const nothing = await post(context, 'retry', main.id);
    expectStatus(nothing, 'POST /batch/{batch_id}/retry of a batch without failed files', 409, 'NOTHING_TO_RETRY');
    return `retried ${body.retried}; finished again ${again.status}; 409 NOTHING_TO_RETRY for a batch without failures`;
  },
};

const analytics: Check = {
  id: 'analytics',
  title: "GET /batch-analytics answers the workspace's figures (counting the run's batches); a bad since answers 400 INVALID_QUERY",
  required: false,
  async run(context) {
    const path = '/batch-analytics';
    const answer = await context.contract.answer('GET', path, await context.api.request('GET', path), { optional: true });
    expectStatus(answer, `GET ${path}`, 200);
    const { analytics: figures } = answer.body as AnalyticsResponse;
    const created = context.state.created.length;
    if (figures.totals.batches < created) throw new CheckFailure(`totals.batches is ${figures.totals.batches}, but the run alone created ${created} batches`);
    const bad = await context.contract.answer('GET', path, await context.api.request('GET', `${path}?since=not-a-date`));
    expectStatus(bad, `GET ${path}?since=not-a-date`, 400, 'INVALID_QUERY');
    return `${figures.days.length} days, ${figures.totals.batches} batches; 400 INVALID_QUERY for a bad since`;
  },
};

/** Features a backend may lack. */
export const optionalChecks: readonly Check[] = [pause, append, close, retry, analytics];
