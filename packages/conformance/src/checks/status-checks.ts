import type { BatchStatusResponse } from '@batch-uploader/protocol';
import { CheckFailure, type Check } from '../check.js';
import { acceptedUpload, expectStatus, mainBatch, postUpload, readStatus, validFiles, waitForFinal } from './support.js';

const upload: Check = {
  id: 'upload',
  title: 'POST /batch-upload with a small valid PDF and PNG answers 202 with the batch id and a tracking_url that answers the batch',
  required: true,
  needs: ['limits'],
  async run(context) {
    const files = validFiles(context, Math.min(2, context.state.limits!.max_files));
    const answer = await postUpload(context, files);
    const main = acceptedUpload(context, answer, files.length);
    context.state.main = main;
    // Only that it leads to the batch: the status check holds the answer to the document.
    const tracked = await context.api.request('GET', context.api.resolve(main.trackingUrl));
    const body = (await tracked.json().catch(() => null)) as Partial<BatchStatusResponse> | null;
    if (tracked.status !== 200 || body?.batch?.id !== main.id) {
      throw new CheckFailure(
        `GET tracking_url (${main.trackingUrl.replace(main.id, '{batch_id}')}) answered ${tracked.status}${body?.batch?.id ? ' with another batch' : ''}, not the batch`,
      );
    }
    const status = answer.status === 202 ? '202' : `${answer.status} (the document gives 202; the SDK takes any 2xx)`;
    return `${status} for ${files.map((f) => f.name.split('.').pop()).join(' + ')}; tracking_url answers the batch`;
  },
};

const status: Check = {
  id: 'status',
  title: 'GET /batch-status/{batch_id} answers the batch as the document gives it: every file, and progress counts that agree with them',
  required: true,
  needs: ['upload'],
  async run(context) {
    const main = mainBatch(context);
    const { batch } = await readStatus(context, main.id);
    if (batch.total_files !== main.files) throw new CheckFailure(`total_files is ${batch.total_files} for ${main.files} files uploaded`);
    const names = batch.files.map((f) => f.filename);
    for (let i = 1; i <= main.files; i++) {
      if (!names.some((name) => name.startsWith(`conformance-${i}.`)))
        throw new CheckFailure(`the file sent as conformance-${i}.* is not in the batch under its name`);
    }
    const final = batch.progress.completed + batch.progress.failed + batch.progress.cancelled;
    return `status ${batch.status}, ${final} of ${batch.total_files} files final, counts agree`;
  },
};

const statusFinal: Check = {
  id: 'status.final',
  title: 'The uploaded batch reaches a final state (finished_at set, every file completed, failed or cancelled; failed files say why)',
  required: true,
  needs: ['upload'],
  async run(context) {
    const main = mainBatch(context);
    const batch = await waitForFinal(context, main.id);
    context.state.mainFinal = batch;
    const open = batch.files.filter((f) => f.status === 'pending' || f.status === 'processing');
    if (open.length > 0) throw new CheckFailure(`the batch is ${batch.status} with finished_at set, but ${open.length} files are still ${open[0]!.status}`);
    const unexplained = batch.files.find((f) => f.status === 'failed' && !f.error?.code);
    if (unexplained) throw new CheckFailure('a failed file has no error code: the widget cannot say why it failed');
    const allFailed = batch.files.every((f) => f.status === 'failed');
    if (allFailed !== (batch.status === 'failed')) {
      throw new CheckFailure(`the batch is ${batch.status} but ${allFailed ? 'every' : 'not every'} file failed (status failed means every file failed)`);
    }
    const { completed, failed } = batch.progress;
    const reasons = [...new Set(batch.files.filter((f) => f.error).map((f) => f.error!.code))];
    return `${batch.status}: ${completed} completed, ${failed} failed${reasons.length ? ` (${reasons.join(', ')})` : ''}`;
  },
};

const statusEtag: Check = {
  id: 'status.etag',
  title: 'Status answers carry a weak ETag; If-None-Match with it (alone or in a list) answers 304 without a body, and with another ETag the batch',
  required: true,
  needs: ['status.final'],
  async run(context) {
    const main = mainBatch(context);
    const path = '/batch-status/{batch_id}';
    const { etag } = await readStatus(context, main.id);
    if (etag === null) throw new CheckFailure('the status answer has no ETag header: a polling client downloads the whole batch on every poll');
    const conditional = async (ifNoneMatch: string) =>
      context.contract.answer('GET', path, await context.api.request('GET', `/batch-status/${main.id}`, { headers: { 'if-none-match': ifNoneMatch } }));
    const same = await conditional(etag);
    expectStatus(same, `GET ${path} with If-None-Match of its ETag`, 304);
    const listed = await conditional(`W/"conformance-other", ${etag}`);
    expectStatus(listed, `GET ${path} with its ETag in an If-None-Match list`, 304);
    const other = await conditional('W/"conformance-other"');
    expectStatus(other, `GET ${path} with If-None-Match of another ETag`, 200);
    return `${etag.startsWith('W/') ? 'weak ' : ''}ETag; 304 without a body for it, alone or in a list; 200 for another`;
  },
};

/** Upload and the status of a batch. */
export const statusChecks: readonly Check[] = [upload, status, statusFinal, statusEtag];
