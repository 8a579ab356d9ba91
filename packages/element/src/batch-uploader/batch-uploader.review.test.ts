/**
 * <batch-uploader> and documents of another patient: /api/guard's demo server knows the
 * sample patients (PATIENTS_FILE) and its processing service reads each PDF's patient
 * fields, so a letter about someone else is held for review. The file is listed first in
 * "Needs attention" with the server's reason and Confirm / Reject named for it; a
 * decision is announced, recorded on the server, and the group goes.
 */
import type { Batch } from '@batch-uploader/protocol';
import { letterPdf } from '@batch-uploader/test-support/patient-letters';
import { cleanUp, equal, expectAccessible, mount, ok, part, parts, record, runBatch, settle, text, until } from '../test/helpers.js';

afterEach(cleanUp);

const GUARD = '/api/guard';
const JANE = { name: 'Jane Doe', date_of_birth: '1980-03-07', nhs_number: '999 000 0018' };
const JOHN = { name: 'John Smith', date_of_birth: '1955-11-30', nhs_number: '999 001 1389' };

async function letter(name: string, who: Record<string, string>): Promise<File> {
  return new File([await letterPdf('Letter', who)], name, { type: 'application/pdf', lastModified: 1_700_000_000_000 });
}

describe('<batch-uploader>: documents that name another patient', () => {
  it('lists the file to review first, with the reason and Confirm / Reject; rejecting it is recorded and announced', async () => {
    const el = await mount({ endpoint: GUARD, 'patient-id': 'P-1001' });
    await expectAccessible(el);
    const complete = await runBatch(el, [await letter('referral.pdf', JANE), await letter('john.pdf', JOHN), await letter('jane.pdf', JANE)]);

    equal(complete[0]!.outcome, 'partial', 'a file to review is not a plain success:');
    equal(text(el, 'summary'), 'Some files need attention: 3 succeeded, 0 failed, 1 to review');
    const lists = parts(el, 'attention-list');
    equal(lists[0]?.dataset.list, 'review', 'the files to review come first:');
    const item = part(el, 'attention-item')!;
    equal((item.querySelector('[part~="attention-name"]')?.textContent ?? '').trim(), 'john.pdf');
    equal(
      (item.querySelector('[part~="attention-reason"]')?.textContent ?? '').trim(),
      'This document names another patient: NHS number, name and date of birth differ.',
    );
    const statusOf = (name: string) =>
      [...el.shadowRoot!.querySelectorAll('[part~="file-row"]')]
        .find((row) => row.querySelector('[part~="file-name"]')?.getAttribute('title') === name)
        ?.querySelector('[part~="file-status"]')
        ?.textContent?.trim();
    equal(statusOf('john.pdf'), 'To review', 'its row says so too:');
    equal(statusOf('jane.pdf'), 'Completed');
    const confirm = item.querySelector<HTMLButtonElement>('[part~="review-confirm-button"]')!;
    const reject = item.querySelector<HTMLButtonElement>('[part~="review-reject-button"]')!;
    equal(confirm.getAttribute('aria-label'), 'Confirm john.pdf belongs to this patient');
    equal(reject.getAttribute('aria-label'), 'Reject john.pdf: do not file it to this patient');
    equal(confirm.type, 'button');
    await expectAccessible(el);

    reject.focus();
    reject.click();
    await until(() => !part(el, 'attention'), 'the group goes once decided');
    await until(() => text(el, 'live-region').includes('john.pdf rejected: it will not be filed to this patient.'), 'the decision is announced');
    equal(el.shadowRoot!.activeElement?.id, 'outcome', 'focus moves to the outcome:');
    await until(() => statusOf('john.pdf') === 'Rejected: not filed', 'the row names the rejected document');
    // A rejected document is not filed to this patient: the batch did not simply succeed.
    equal(text(el, 'summary'), 'Some files need attention: 3 succeeded, 0 failed, 1 document rejected: not filed to this patient');
    ok(
      text(el, 'live-region').includes('Some files need attention: 3 succeeded, 0 failed, 1 document rejected: not filed to this patient.'),
      'the decision is announced with the closing line as it now stands',
    );
    const batchId = el.session.getState().batchId!;
    const batch = ((await (await fetch(`${GUARD}/batch-status/${batchId}`)).json()) as { batch: Batch }).batch;
    const held = batch.files.find((f) => f.filename === 'john.pdf')!;
    equal([held.status, held.needs_review, held.review?.decision], ['completed', false, 'rejected']);
    ok(held.review?.decided_at, 'when is recorded');
    await expectAccessible(el);
  });

  it('a batch reopened after a rejection counts it in batch-complete, the summary and the notice', async () => {
    const first = await mount({ endpoint: GUARD, 'patient-id': 'P-1001' });
    await runBatch(first, [await letter('referral.pdf', JANE), await letter('john.pdf', JOHN)]);
    const batchId = first.session.getState().batchId!;
    const held = first.session.getState().files.find((f) => f.name === 'john.pdf')!;
    await first.session.reviewFile(held.id, 'reject');

    const second = await mount({ endpoint: GUARD, 'patient-id': 'P-1001' });
    const complete = record(second, 'batch-complete');
    await second.session.attach(batchId);
    await until(() => complete.length > 0, 'batch-complete of the reopened batch', 20_000);
    await settle(second);
    const detail = complete[0]!;
    equal(detail.outcome, 'partial', 'a rejected document is no plain success:');
    equal([detail.counts.completed, detail.counts.needsReview, detail.counts.rejectedAtReview], [2, 0, 1]);
    equal(detail.summary, '2 succeeded, 0 failed, 1 document rejected: not filed to this patient');
    equal(text(second, 'summary'), 'Some files need attention: 2 succeeded, 0 failed, 1 document rejected: not filed to this patient');
    await expectAccessible(second);
  });

  it('the history row of such a batch says a file waits for review, then that a document was rejected', async () => {
    const el = await mount({ endpoint: GUARD, 'patient-id': 'P-1001', 'show-history': true });
    await runBatch(el, [await letter('referral.pdf', JANE), await letter('john.pdf', JOHN)]);
    const batchId = el.session.getState().batchId!;
    const row = () => (el.shadowRoot!.querySelector(`.history-row[data-id="${batchId}"]`)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    await until(() => row().includes('2 files, 2 succeeded, 0 failed, 1 to review'), 'the row counts the file to review');
    ok(row().startsWith('Some files need attention'), row());

    const held = el.session.getState().files.find((f) => f.name === 'john.pdf')!;
    await el.reviewFile(held.id, 'reject');
    part(el, 'refresh-button')!.click();
    await until(() => row().includes('2 files, 2 succeeded, 0 failed, 1 document rejected'), 'the row counts the rejected document');
    ok(row().startsWith('Some files need attention'), `a rejected document is no plain success: ${row()}`);
    ok(!row().includes('to review'), row());
    el.shadowRoot!.querySelector<HTMLElement>(`.history-row[data-id="${batchId}"]`)!.click();
    await until(() => el.shadowRoot!.querySelectorAll('.history-file').length === 2, 'the batch opened');
    const files = [...el.shadowRoot!.querySelectorAll('.history-file')].map((li) => [
      li.querySelector('.attention-name')?.textContent?.trim(),
      li.querySelector('.history-status')?.textContent?.trim(),
    ]);
    equal(files, [
      ['referral.pdf', 'Completed · 1 page'],
      ['john.pdf', 'Rejected: not filed · 1 page'],
    ]);
    await expectAccessible(el);
  });
});
