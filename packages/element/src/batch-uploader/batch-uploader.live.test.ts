/**
 * <batch-uploader> with real batches: uploads through the SDK to the demo server
 * (proxied same-origin, uploads slowed to about 6 MB/s, 100 ms of processing per file),
 * live progress, events, reload, leaving and rejoining the page, retry, history.
 */
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
  serverBatch,
  settle,
  text,
  until,
} from '../test/helpers.js';

afterEach(cleanUp);

/** How many batches the workspace has, counted through the history endpoint's pages. */
async function historyCount(): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const url = `${ENDPOINT}/batch-history?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = (await (await fetch(url)).json()) as { batches: unknown[]; next_cursor: string | null };
    count += page.batches.length;
    cursor = page.next_cursor;
  } while (cursor);
  return count;
}

/** Adds files, starts, and resolves with the batch id once the server accepted the upload. */
async function startBatch(el: BatchUploader, files: File[]): Promise<string> {
  await el.addFiles(files);
  await settle(el);
  const created = record(el, 'batch-created');
  part(el, 'start-button')!.click();
  return (await until(() => created[0], 'batch-created')).batchId;
}

describe('<batch-uploader> following a batch', () => {
  it('has no accessibility violations while uploading, processing and when finished', async () => {
    const el = await mount();
    await el.addFiles([pdf('big.pdf', 3 * 1024 * 1024), pdf('small.pdf'), await brokenPdf('broken.pdf')]);
    await settle(el);
    part(el, 'start-button')!.click();
    await until(() => part(el, 'file-progress'), 'per-file upload progress');
    await expectAccessible(el);
    await until(() => el.session.getState().phase === 'processing', 'processing');
    await settle(el);
    await expectAccessible(el);
    await until(() => part(el, 'summary'), 'the summary', 20_000);
    await expectAccessible(el);
  });

  it('uploads with byte progress, shows the status cards and each file, and ends with summary, notice and events', async () => {
    const el = await mount({ 'show-history': true });
    const added = record(el, 'batch-files-added');
    const created = record(el, 'batch-created');
    const progress = record(el, 'batch-progress');
    const complete = record(el, 'batch-complete');
    let progressOfBatchBeforeCreated = -1;
    el.addEventListener('batch-created', () => (progressOfBatchBeforeCreated = progress.filter((p) => p.batchId !== null).length));
    await el.addFiles([pdf('big.pdf', 8 * 1024 * 1024), pdf('small.pdf'), await brokenPdf('broken.pdf')]);
    await settle(el);
    equal(
      added[0]!.files.map((f) => [f.name, f.status]),
      [
        ['big.pdf', 'queued'],
        ['small.pdf', 'queued'],
        ['broken.pdf', 'queued'],
      ],
    );
    part(el, 'start-button')!.click();

    // While uploading: one bar overall (with value text), one per file; the cards count what the rows say.
    const fileBar = await until(() => part<HTMLProgressElement>(el, 'file-progress'), 'per-file progress');
    equal(fileBar.getAttribute('aria-label'), 'Uploading big.pdf');
    const bar = part(el, 'progress')!;
    ok(/^Uploading: [0-3] of 3 files sent \(\d+%\)$/.test(bar.getAttribute('aria-valuetext')!), bar.getAttribute('aria-valuetext')!);
    equal(bar.getAttribute('role'), 'progressbar');
    equal(
      parts(el, 'status-card').map((c) => c.textContent!.replace(/\s+/g, ' ').trim()),
      ['3 Uploading'],
      'while uploading:',
    );
    let partial = false;
    await until(() => {
      partial ||= parts<HTMLProgressElement>(el, 'file-progress').some((p) => p.value > 0 && p.value < p.max);
      return partial || el.session.getState().phase !== 'uploading';
    }, 'the upload');
    ok(partial, 'a file showed partial byte progress');
    ok(
      performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.startsWith(`${ENDPOINT}/uploads`)),
      'the 8 MiB file went through the resumable (tus) route',
    );
    ok(part(el, 'cancel-button'), 'cancel offered while uploading');

    const batchId = (await until(() => created[0], 'batch-created')).batchId;
    equal(created[0]!.totalFiles, 3);
    equal(progressOfBatchBeforeCreated, 0, 'progress of the batch comes after batch-created:');
    equal(progress.find((p) => p.batchId !== null)!.batchId, batchId);
    await until(() => el.session.getState().phase === 'processing', 'processing');
    await settle(el);
    const cards = parts(el, 'status-card').map((c) => c.textContent!.replace(/\s+/g, ' ').trim());
    equal(
      cards.map((c) => c.replace(/\d+ /, '')),
      ['Pending', 'Processing', 'Completed', 'Failed'],
      'four cards while processing, each with its text:',
    );

    const done = await until(() => complete[0], 'batch-complete', 20_000);
    equal(done.batchId, batchId);
    equal(done.summary, '2 succeeded, 1 failed');
    equal([done.outcome, done.notSent], ['partial', 0]);
    equal(done.counts.completed, 2);
    await settle(el);
    equal(text(el, 'summary'), 'Some files need attention: 2 succeeded, 1 failed');
    equal(
      text(el, 'toast')
        .replace(/Close$/, '')
        .trim(),
      'Some files need attention: 2 succeeded, 1 failed',
    );
    await until(() => text(el, 'live-region').startsWith('Some files need attention'), 'the end announced');
    equal(text(el, 'live-region'), 'Some files need attention: 2 succeeded, 1 failed. Failed: broken.pdf.');
    equal(part(el, 'progress')!.getAttribute('aria-valuenow'), '100');
    equal(part(el, 'progress')!.getAttribute('aria-valuetext'), '3 of 3 files done: 2 completed, 1 failed');
    equal(
      parts(el, 'status-card').map((c) => c.textContent!.replace(/\s+/g, ' ').trim()),
      ['2 Completed', '1 Failed'],
      'only the cards that count something:',
    );

    const rows = parts(el, 'file-row');
    const broken = rows.find((r) => r.textContent!.includes('broken.pdf'))!;
    ok(broken.textContent!.includes('Failed'), 'the failed file says so in words');
    ok(/damaged|could not be read/i.test(text(el, 'file-error')), `the server's reason: "${text(el, 'file-error')}"`);
    ok(rows.filter((r) => r.textContent!.includes('Completed')).length === 2, 'two completed rows');

    ok(progress.length >= 2, `progress events (${progress.length})`);
    equal(progress.at(-1)!.percent, 100);
    ok(progress.some((p) => p.phase === 'uploading') && progress.some((p) => p.phase === 'processing'), 'progress of both phases');
    equal(part(el, 'retry-button'), null, 'a damaged file is not offered a retry');
    await until(() => text(el, 'history').includes('Some files need attention · '), 'the batch in the history, with its outcome');
    ok(text(el, 'history').includes('3 files, 2 succeeded, 1 failed'), text(el, 'history'));
  });

  it('retry failed, after a reload during the batch, tries the failed file again in the same batch on the server; reset starts over', async () => {
    // At /api/flaky the processing service is unavailable for flaky-* files until their attempts are used up.
    const first = await mount({ endpoint: FLAKY_ENDPOINT });
    const batchId = await startBatch(first, [pdf('fine.pdf'), pdf('flaky-1.pdf'), await brokenPdf('bad.pdf')]);
    await until(() => first.session.getState().phase === 'processing', 'every file sent');

    // A reload while it runs: only the batch id is left on the page; the server still has the bytes.
    first.remove();
    const el = await mount({ endpoint: FLAKY_ENDPOINT });
    const finished = record(el, 'batch-complete');
    const retried = record(el, 'batch-retried');
    await until(() => finished.length === 1, 'the first run done, after the reload', 20_000);
    await settle(el);
    equal(text(el, 'retry-button'), 'Retry failed (1 file)', 'the damaged file is not counted:');
    part(el, 'retry-button')!.click();
    // The server runs every failed file it kept again, the damaged one too (it fails again).
    equal(await until(() => retried[0], 'batch-retried'), { batchId, retried: 2, notRetryable: 0 });
    const done = await until(() => finished[1], 'the retried batch finishes again', 20_000);
    equal([done.batchId, done.summary], [batchId, '2 succeeded, 1 failed'], 'the same batch:');
    const onServer = await serverBatch(batchId, FLAKY_ENDPOINT);
    equal(
      onServer.files.map((f) => [f.filename, f.status]),
      [
        ['fine.pdf', 'completed'],
        ['flaky-1.pdf', 'completed'],
        ['bad.pdf', 'failed'],
      ],
    );
    await settle(el);
    equal(text(el, 'summary'), 'Some files need attention: 2 succeeded, 1 failed');
    equal(part(el, 'retry-button'), null, 'nothing left that a retry may fix');
    await expectAccessible(el);
    part(el, 'reset-button')!.click();
    await settle(el);
    ok(part(el, 'drop-zone'), 'back to the drop zone');
    equal(part(el, 'file-list'), null);
    equal(sessionStorage.length, 0, 'the finished batch is forgotten');
  });

  it('sends the Patient ID, template and encounter with the batch', async () => {
    const el = await mount({ 'template-id': 'intake', 'encounter-id': 'E-7' });
    part<HTMLInputElement>(el, 'patient-input')!.value = 'P-1001';
    part(el, 'patient-input')!.dispatchEvent(new Event('input'));
    const batchId = await startBatch(el, [pdf()]);
    const batch = (await serverBatch(batchId)) as { patient_id: string | null; template_id?: string; encounter_id?: string };
    equal([batch.patient_id, batch.template_id, batch.encounter_id], ['P-1001', 'intake', 'E-7']);
    ok(!JSON.stringify({ ...sessionStorage }).includes('P-1001'), 'the Patient ID is not stored');

    // Upload another batch: the ID typed goes (the next batch is most often another patient's).
    await until(() => part(el, 'reset-button'), 'the end of the batch', 20_000);
    part(el, 'reset-button')!.click();
    await settle(el);
    equal(part<HTMLInputElement>(el, 'patient-input')!.value, '', 'the typed Patient ID is cleared');
    equal(el.patientId, '');
  });

  it("keeps a Patient ID the host set when starting over (the portal's patient)", async () => {
    const el = await mount({ 'patient-id': 'P-2002' });
    await startBatch(el, [pdf()]);
    await until(() => part(el, 'reset-button'), 'the end of the batch', 20_000);
    part(el, 'reset-button')!.click();
    await settle(el);
    equal(part<HTMLInputElement>(el, 'patient-input')!.value, 'P-2002');
  });

  it('after a reload it attaches to the running batch and shows live progress; sessionStorage holds only the batch id', async () => {
    const first = await mount();
    const files = Array.from({ length: 12 }, (_, i) => pdf(`record-${i}.pdf`));
    const batchId = await startBatch(first, files);
    await until(() => first.session.getState().phase === 'processing', 'every file sent'); // A reload during the upload would lose the rest.
    const stored = Object.entries({ ...sessionStorage });
    equal(
      stored.map(([, value]) => value),
      [batchId],
      'only the batch id is stored:',
    );
    ok(!stored.flat().join(' ').includes('record-'), 'no file name in storage');
    equal(localStorage.length, 0, 'nothing in localStorage');

    // A reload: the page (and the first element with its session) is gone, a new element starts.
    first.remove();
    const second = await mount();
    const complete = record(second, 'batch-complete');
    await until(() => second.session.getState().batchId === batchId, 'attached to the stored batch');
    await settle(second);
    ok(part(second, 'progress'), 'live progress shown again');
    equal(parts(second, 'file-name').length, 12);
    ok(
      parts(second, 'file-name').every((n) => n.textContent!.startsWith('record-')),
      'the names come from the server',
    );
    const done = await until(() => complete[0], 'the batch finishes after the reload', 20_000);
    equal(done.summary, '12 succeeded, 0 failed');
    await settle(second);
    equal(text(second, 'summary'), 'All files succeeded: 12 succeeded, 0 failed');
    equal(part(second, 'retry-button'), null, 'nothing to retry');
  });

  it('forgets a stored batch the server does not know, with a batch-error', async () => {
    sessionStorage.setItem('batch-uploader:/api/gp', '00000000-0000-4000-8000-000000000000');
    const errors: Array<{ code: string }> = [];
    addEventListener('batch-error', (event) => errors.push(event.detail), { once: true });
    const el = await mount();
    await until(() => errors.length === 1, 'batch-error');
    equal(errors[0]!.code, 'BATCH_NOT_FOUND');
    equal(sessionStorage.length, 0);
    ok(part(el, 'drop-zone'), 'ready for a new batch');
  });

  it('removed from the page it stops live updates; put back, it resumes and reaches the end', async () => {
    const el = await mount();
    const progress = record(el, 'batch-progress');
    const complete = record(el, 'batch-complete');
    await startBatch(
      el,
      Array.from({ length: 45 }, () => pdf()),
    );
    await until(() => el.session.getState().channel === 'sse', 'live updates by Server-Sent Events');
    const parent = el.parentElement!;
    el.remove();
    await Promise.resolve();
    equal(el.session.getState().channel, null, 'the stream is closed');
    const frozen = el.session.getState();
    const events = progress.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    equal(el.session.getState() === frozen, true, 'no state change while off the page');
    equal(progress.length, events, 'no events while off the page');
    ok(frozen.phase === 'processing', 'the batch was still running');

    parent.append(el);
    await until(() => complete[0], 'the batch finishes after rejoining', 20_000);
    equal(complete[0]!.summary, '45 succeeded, 0 failed');
  });

  it('pauses and resumes a running batch: Pause and Resume buttons, "Paused" with its icon, events, and the batch goes on to its end', async () => {
    const el = await mount();
    const paused = record(el, 'batch-paused');
    const resumed = record(el, 'batch-resumed');
    const complete = record(el, 'batch-complete');
    const batchId = await startBatch(
      el,
      Array.from({ length: 50 }, () => pdf()),
    );
    await until(() => el.session.getState().phase === 'processing', 'processing');
    await settle(el);
    equal(part(el, 'resume-button'), null, 'no Resume while running');
    part(el, 'pause-button')!.focus();
    part(el, 'pause-button')!.click();

    equal(await until(() => paused[0], 'batch-paused'), { batchId });
    await settle(el);
    const badge = part(el, 'paused')!;
    equal(badge.textContent!.trim(), 'Paused', 'the status is a word');
    ok(badge.querySelector('svg'), 'and an icon');
    ok(part(el, 'progress')!.getAttribute('aria-valuetext')!.startsWith('Paused: '), 'the progress bar says so');
    equal(part(el, 'pause-button'), null, 'Pause gave way to Resume');
    equal(el.shadowRoot!.activeElement, part(el, 'resume-button'), 'which has the focus');
    const onServer = (await serverBatch(batchId)) as unknown as { status: string; files: Array<{ status: string }> };
    equal(onServer.status, 'paused');
    ok(
      onServer.files.some((f) => f.status === 'pending'),
      'files wait on the server',
    );
    await expectAccessible(el);

    part(el, 'resume-button')!.click();
    equal(await until(() => resumed[0], 'batch-resumed'), { batchId });
    await settle(el);
    equal(part(el, 'paused'), null);
    ok(part(el, 'pause-button'), 'Pause offered again');
    equal((await until(() => complete[0], 'the batch finishes', 20_000)).summary, '50 succeeded, 0 failed');
  });

  it('pages through the history with "Show more": five at a time, focus on the first older batch, until the oldest', async () => {
    // At least six batches in the workspace (test code may talk HTTP; the element never does).
    for (let i = 0; i < 6; i++) {
      const form = new FormData();
      form.append('files', pdf());
      equal((await fetch(`${ENDPOINT}/batch-upload`, { method: 'POST', body: form })).status, 202);
    }
    const before = await historyCount();
    const el = await mount({ 'show-history': true });
    const items = () => el.shadowRoot!.querySelectorAll<HTMLElement>('.history-row');
    await until(() => items().length === 5, 'the newest five');
    await expectAccessible(el);
    part(el, 'more-button')!.focus();
    part(el, 'more-button')!.click();
    await until(() => items().length > 5, 'older batches');
    await until(() => el.shadowRoot!.activeElement === items()[5], 'focus on the first older batch');
    for (let pages = 0; part(el, 'more-button') && pages < 100; pages++) {
      const shown = items().length;
      part(el, 'more-button')!.click();
      await until(() => items().length > shown, 'the next page');
    }
    equal(part(el, 'more-button'), null, 'no "Show more" after the oldest');
    const shown = items().length;
    ok(shown >= before && shown <= (await historyCount()), `every batch reachable (${before} before, ${shown} shown)`);
    await expectAccessible(el);
  });

  it('cancel while processing ends the batch with the files not started cancelled', async () => {
    const el = await mount();
    const complete = record(el, 'batch-complete');
    await startBatch(
      el,
      Array.from({ length: 30 }, () => pdf()),
    );
    await until(() => el.session.getState().phase === 'processing', 'processing');
    await settle(el);
    part(el, 'cancel-button')!.click();
    const done = await until(() => complete[0], 'the batch ends', 20_000);
    equal(done.status, 'cancelled');
    ok(done.counts.cancelled > 0, 'some files cancelled');
    await settle(el);
    ok(text(el, 'summary').includes('cancelled'), text(el, 'summary'));
    ok(part(el, 'status-card-cancelled'), 'a card for the cancelled files');
  });
});
