import { CheckFailure, type Check } from '../check.js';
import { actOnRunningBatch } from './running-batch.js';
import { expectStatus, mainBatch, readStatus, waitForFinal } from './support.js';

const cancel: Check = {
  id: 'cancel',
  title:
    'POST /batch/{batch_id}/cancel of a running batch answers 200 with the batch cancelled; its pending files become cancelled and it finishes as cancelled',
  required: true,
  needs: ['limits'],
  async run(context) {
    const { id, batch } = await actOnRunningBatch(context, 'cancel', false);
    if (batch.status !== 'cancelled') throw new CheckFailure(`the cancel answered the batch as ${batch.status}, not cancelled`);
    const final = await waitForFinal(context, id);
    if (final.status !== 'cancelled') throw new CheckFailure(`the cancelled batch finished as ${final.status}`);
    const { cancelled, completed, failed } = final.progress;
    return `200 cancelled; finished as cancelled with ${cancelled} files cancelled, ${completed + failed} done before the cancel`;
  },
};

const cancelFinished: Check = {
  id: 'cancel.finished',
  title: 'Cancelling a finished batch answers 409 BATCH_NOT_OPEN and changes nothing',
  required: true,
  needs: ['status.final'],
  async run(context) {
    const main = mainBatch(context);
    const path = '/batch/{batch_id}/cancel';
    const answer = await context.contract.answer('POST', path, await context.api.request('POST', `/batch/${main.id}/cancel`));
    expectStatus(answer, `POST ${path} of a finished batch`, 409, 'BATCH_NOT_OPEN');
    const { batch } = await readStatus(context, main.id);
    if (batch.status !== context.state.mainFinal!.status) throw new CheckFailure(`the finished batch became ${batch.status} after the refused cancel`);
    return '409 BATCH_NOT_OPEN, the batch unchanged';
  },
};

/** Cancelling batches. */
export const cancelChecks: readonly Check[] = [cancel, cancelFinished];
