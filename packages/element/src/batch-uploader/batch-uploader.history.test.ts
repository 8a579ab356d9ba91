/**
 * <batch-uploader> naming its batch and opening batches of the history in place: the
 * patient ID masked (or the host's label) in the progress header and the history rows,
 * a row opening the batch with its files, statuses and reasons, Retry failed under the
 * live outcome's rule, back to the list, focus and announcements; against real demo
 * servers (/api/flaky fails flaky-* files until they are retried).
 */
import { BatchClient } from '@batch-uploader/sdk';
import type { BatchUploader } from './batch-uploader.component.js';
import {
  ENDPOINT,
  FLAKY_ENDPOINT,
  brokenPdf,
  cleanUp,
  equal,
  expectAccessible,
  mount,
  ok,
  part,
  parts,
  pdf,
  record,
  settle,
  text,
  until,
} from '../test/helpers.js';

afterEach(cleanUp);

/** Sends the files with this patient ID and waits for the batch's end; resolves with its id. */
async function finishedBatch(el: BatchUploader, files: File[]): Promise<string> {
  await el.addFiles(files);
  await settle(el);
  const created = record(el, 'batch-created');
  const complete = record(el, 'batch-complete');
  part(el, 'start-button')!.click();
  const { batchId } = await until(() => created[0], 'batch-created');
  await until(() => complete[0], 'batch-complete', 20_000);
  return batchId;
}

const shadowActive = (el: BatchUploader) => el.shadowRoot!.activeElement;

describe('<batch-uploader> context and history', () => {
  it('masks the patient ID in the progress header, or shows the host’s label instead', async () => {
    const el = await mount({ 'patient-id': 'PAT-00991234', 'patient-field': 'hidden' });
    await el.addFiles([pdf()]);
    await settle(el);
    part(el, 'start-button')!.click();
    await until(() => part(el, 'batch-context'), 'the header names the batch');
    ok(text(el, 'batch-context').startsWith('Patient ••••1234') && text(el, 'batch-context').endsWith('Patient ID ending 1234'), text(el, 'batch-context'));
    ok(!el.shadowRoot!.innerHTML.includes('PAT-0099'), 'the rest of the ID is nowhere in the DOM');
    ok(!location.href.includes('1234') && !JSON.stringify({ ...sessionStorage, ...localStorage }).includes('1234'), 'nor in the URL or storage');
    await expectAccessible(el);
    el.batchLabel = 'Referrals, ward 3';
    await settle(el);
    equal(text(el, 'batch-context'), 'Referrals, ward 3');
  });

  it('a history row opens its batch in place: files, statuses, reasons, Retry failed for what may pass; back to the row', async () => {
    const el = await mount({ endpoint: FLAKY_ENDPOINT, 'show-history': true, 'patient-id': 'MRN-5550142', 'patient-field': 'hidden' });
    const batchId = await finishedBatch(el, [pdf('fine.pdf'), pdf('flaky-h.pdf'), await brokenPdf('bad.pdf')]);
    const row = () => el.shadowRoot!.querySelector<HTMLElement>(`.history-row[data-id="${batchId}"]`);
    await until(() => row()?.textContent?.includes('3 files, 1 succeeded, 2 failed'), 'the batch in the history, as it ended');
    const words = row()!.textContent!.replace(/\s+/g, ' ').trim();
    ok(words.startsWith('All files failed · Patient ••••0142') || words.startsWith('Some files need attention · Patient ••••0142'), words);
    ok(!el.shadowRoot!.innerHTML.includes('5550142'), 'the patient ID is masked in the DOM');
    await expectAccessible(el);

    row()!.focus();
    row()!.click();
    await until(() => part(el, 'history-files'), 'the batch opened');
    equal(shadowActive(el)?.id, 'history-batch', 'focus on the opened batch’s heading');
    ok(text(el, 'history-detail').startsWith('Batch of '), text(el, 'history-detail'));
    const files = () => parts(el, 'history-files')[0]!.querySelectorAll('li');
    const line = (name: string) =>
      [...files()]
        .find((li) => li.textContent!.includes(name))!
        .textContent!.replace(/\s+/g, ' ')
        .trim();
    equal(files().length, 3);
    equal(
      [...files()].map((li) => li.querySelector('.attention-name')!.textContent),
      ['flaky-h.pdf', 'bad.pdf', 'fine.pdf'],
      'the files that need attention first, each group in the batch’s order:',
    );
    ok(line('fine.pdf').includes('Completed'), line('fine.pdf'));
    ok(line('flaky-h.pdf').includes('Failed') && line('flaky-h.pdf').includes('Retry failed'), line('flaky-h.pdf'));
    ok(line('bad.pdf').includes('Failed') && !line('bad.pdf').includes('Retry failed'), `a damaged file is not offered a retry: ${line('bad.pdf')}`);
    equal(text(el, 'history-retry-button'), 'Retry failed (1 file)');
    await until(() => /Some files need attention: 1 succeeded, 2 failed/.test(text(el, 'live-region')), 'the opened batch announced');
    await expectAccessible(el);

    // The batch the element just finished: its session retries it, so the outcome above and the events follow too.
    const retried = record(el, 'batch-retried');
    part(el, 'history-retry-button')!.click();
    await until(() => line('flaky-h.pdf').includes('Completed'), 'the retried file completes', 20_000);
    equal(retried.length, 1, 'batch-retried, as for the outcome’s Retry failed:');
    await until(() => text(el, 'summary') === 'Some files need attention: 2 succeeded, 1 failed', 'the live outcome follows');
    equal(shadowActive(el)?.id, 'history-batch', 'focus stays in the batch (the button is gone)');
    await until(() => part(el, 'history-summary')?.textContent?.includes('2 succeeded, 1 failed'), 'the summary follows');
    equal(part(el, 'history-retry-button'), null, 'nothing left that a retry may fix');

    part(el, 'back-button')!.click();
    await until(() => row(), 'the list again');
    equal(shadowActive(el), row(), 'focus back on the batch’s row');
    await until(() => row()!.textContent!.includes('2 succeeded, 1 failed'), 'the row shows the batch as it is now');
  });

  it('retries an older batch of the history on its own, leaving the element’s batch alone', async () => {
    const first = await mount({ endpoint: FLAKY_ENDPOINT, 'patient-field': 'hidden' });
    const batchId = await finishedBatch(first, [pdf('flaky-o.pdf')]);
    first.remove();
    const el = await mount({ endpoint: FLAKY_ENDPOINT, 'show-history': true });
    const retried = record(el, 'batch-retried');
    const row = () => el.shadowRoot!.querySelector<HTMLElement>(`.history-row[data-id="${batchId}"]`);
    await until(() => row(), 'the older batch in the history');
    row()!.click();
    await until(() => part(el, 'history-retry-button'), 'Retry failed offered');
    part(el, 'history-retry-button')!.click();
    await until(() => part(el, 'history-files')?.textContent?.includes('Completed'), 'the retried file completes', 20_000);
    equal(retried.length, 0, 'the element’s own session has no batch: no event of it');
    ok(part(el, 'drop-zone'), 'the element still waits for files');
    await expectAccessible(el);
  });

  it('a history row of an upload cut short says how many files it still waits for', async () => {
    const client = new BatchClient({ endpoint: ENDPOINT });
    const { batch_id } = await client.createBatch({ expectedFiles: 3 });
    await client.appendFiles(batch_id, [pdf('first.pdf')], { moreFiles: true });
    let done = false;
    const poll = setInterval(() => void client.getBatch(batch_id).then((batch) => (done = batch.progress.completed === 1)), 50);
    await until(() => done, 'the first file processed').finally(() => clearInterval(poll));
    const el = await mount({ 'show-history': true });
    const row = () => el.shadowRoot!.querySelector<HTMLElement>(`.history-row[data-id="${batch_id}"]`);
    await until(
      () => row()?.textContent?.includes('1 file, 1 succeeded, 0 failed, 2 not sent yet'),
      `the held batch, with its missing files: ${row()?.textContent}`,
    );
    await client.closeBatch(batch_id);
    part(el, 'refresh-button')!.click();
    await until(() => row() && !row()!.textContent!.includes('not sent yet'), 'closed: nothing more to come');
  });

  it('the finish notice never covers the history: scrolled down to its rows, they are clear of it', async () => {
    const el = await mount({ endpoint: FLAKY_ENDPOINT, 'show-history': true, 'patient-field': 'hidden' });
    // A phone-sized window onto the page: the notice sticks to this scroller's bottom edge.
    const frame = Object.assign(document.createElement('div'), { style: 'height: 360px; width: 390px; overflow: auto' });
    document.body.append(frame);
    frame.append(el);
    try {
      const batchId = await finishedBatch(el, [pdf('a.pdf'), pdf('b.pdf'), pdf('c.pdf'), pdf('d.pdf')]);
      const row = () => el.shadowRoot!.querySelector<HTMLElement>(`.history-row[data-id="${batchId}"]`);
      await until(() => row(), 'the batch in the history');
      ok(part(el, 'toast'), 'the notice is up');
      // The clerk scrolls down to the history: the row at the window's bottom edge.
      row()!.scrollIntoView({ block: 'end' });
      await settle(el);
      const notice = part(el, 'toast')!.getBoundingClientRect();
      const shown = frame.getBoundingClientRect();
      ok(frame.scrollTop > 0, 'the page scrolled (the element is taller than the window)');
      ok(notice.bottom <= shown.bottom + 1 && notice.top >= shown.top - 1, 'the notice is in the window');
      for (const line of el.shadowRoot!.querySelectorAll<HTMLElement>('.history-row')) {
        const box = line.getBoundingClientRect();
        if (box.bottom <= shown.top || box.top >= shown.bottom) continue;
        ok(
          box.bottom <= notice.top || box.top >= notice.bottom,
          `history row at ${box.top}–${box.bottom} is clear of the notice at ${notice.top}–${notice.bottom}`,
        );
      }
    } finally {
      frame.remove();
    }
  });

  it('openBatch(id) opens a batch by its id (as a #batch= link does), even without show-history', async () => {
    const first = await mount({ endpoint: FLAKY_ENDPOINT, 'patient-field': 'hidden' });
    const batchId = await finishedBatch(first, [pdf('one.pdf')]);
    first.remove();
    const el = await mount({ endpoint: FLAKY_ENDPOINT });
    await el.openBatch(batchId);
    await until(() => part(el, 'history-files'), 'the batch opened');
    ok(text(el, 'history-files').includes('one.pdf'), text(el, 'history-files'));
    equal(shadowActive(el)?.id, 'history-batch');
    await expectAccessible(el);
    const errors = record(el, 'batch-error');
    await el.openBatch('00000000-0000-4000-8000-000000000000');
    await until(() => el.shadowRoot!.querySelector('.history-detail [role="alert"]'), 'an unknown batch says so');
    equal(errors.length, 0, 'shown in place, not as an element error');
  });
});
