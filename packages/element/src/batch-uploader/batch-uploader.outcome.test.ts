/**
 * <batch-uploader> telling how a batch went and what a screen reader hears, with real
 * batches: the outcome first (heading, "Needs attention" with every failed and refused
 * file, its reason and what to do, retry only where it may help), outcome colours, icons
 * and words in the heading, notice and history, the bar's shares, upload and processing
 * as two steps the cards and rows agree on, headings and labelled regions, and the live
 * region recorded over a whole batch. /api/flaky's processing service fails files named
 * flaky-* until they are retried.
 */
import { BatchClient, BatchSession, type WatchOptions } from '@batch-uploader/sdk';
import { DEFAULT_LIMITS, type Batch, type BatchFile } from '@batch-uploader/protocol';
import { AnnouncerController } from '../controllers/announcer-controller.js';
import { ToastController } from '../controllers/toast-controller.js';
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
  runBatch,
  settle,
  text,
  until,
} from '../test/helpers.js';
import { FINISHED_AT, wireBatch } from '@batch-uploader/test-support/wire-batch';

afterEach(cleanUp);

/** The text of an element, whitespace collapsed. */
const words = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Records every text the live region takes, with the time, from now on. */
function recordAnnouncements(el: BatchUploader): Array<{ at: number; text: string }> {
  const region = part(el, 'live-region')!;
  const seen: Array<{ at: number; text: string }> = [];
  new MutationObserver(() => {
    const said = words(region).replace(/\u00a0/g, '');
    if (said) seen.push({ at: performance.now(), text: said });
  }).observe(region, { childList: true, characterData: true, subtree: true });
  return seen;
}

/** A client that answers `attach` with a finished batch (no network). */
class FinishedBatchClient extends BatchClient {
  readonly #batch: Batch;
  constructor(batch: Batch) {
    super({ endpoint: ENDPOINT });
    this.#batch = batch;
  }
  override getBatch(): Promise<Batch> {
    return Promise.resolve(this.#batch);
  }
  override watchBatch(_id: string, _options?: WatchOptions): Promise<Batch> {
    return Promise.resolve(this.#batch);
  }
}

/** A finished batch of `count` damaged files. */
function damagedBatch(count: number): Batch {
  const files: BatchFile[] = Array.from({ length: count }, (_, i) => ({
    file_id: `f-${i}`,
    filename: `scan-${i + 1}.pdf`,
    status: 'failed',
    size: 1_000,
    detected_type: 'application/pdf',
    attempts: 1,
    created_at: '2026-01-01T00:00:00.000Z',
    error: { code: 'CORRUPT_FILE', message: 'The file is damaged or incomplete and could not be read.' },
  }));
  return wireBatch('damaged-batch', files, { status: 'failed', finished_at: FINISHED_AT, accepting_files: false });
}

describe('<batch-uploader>: the outcome first', () => {
  it('ends with the outcome, then "Needs attention" naming every failed and refused file with its reason and what to do; retry only where it may help', async () => {
    const el = await mount({ endpoint: FLAKY_ENDPOINT, 'max-file-size': '100KB' });
    const complete = record(el, 'batch-complete');
    const fine = pdf('fine.pdf');
    await runBatch(el, [
      fine,
      pdf('note.pdf'),
      pdf('flaky-a.pdf'),
      await brokenPdf('bad.pdf'),
      pdf('big.pdf', 200_000),
      new File(['hello'], 'letter.pdf'),
      fine,
    ]);

    // The batch-complete event counts what was not sent.
    equal(
      { ...complete[0]!, batchId: '', counts: null },
      { batchId: '', status: 'completed', outcome: 'partial', counts: null, notSent: 3, summary: '2 succeeded, 2 failed, 3 not sent' },
    );
    // First in the element after its heading: the outcome, then the progress.
    const outcome = part(el, 'outcome')!;
    equal(outcome.id, 'outcome');
    equal(outcome.getAttribute('tabindex'), '-1', 'focusable from script:');
    ok(outcome.compareDocumentPosition(part(el, 'progress-area')!) & Node.DOCUMENT_POSITION_FOLLOWING, 'the outcome comes before the progress');
    ok(outcome.compareDocumentPosition(part(el, 'file-list')!) & Node.DOCUMENT_POSITION_FOLLOWING, 'and before the list');
    const summary = part(el, 'summary')!;
    equal(words(summary), 'Some files need attention: 2 succeeded, 2 failed, 3 not sent');
    equal(summary.getAttribute('role'), 'heading');
    ok(summary.querySelector('svg'), 'with an icon');
    equal(getComputedStyle(summary).borderInlineStartColor, 'rgb(180, 83, 9)', 'amber: some need attention');

    equal(text(el, 'attention').startsWith('Needs attention (5)'), true, text(el, 'attention'));
    const lists = parts(el, 'attention-list');
    const items = (list: HTMLElement) =>
      [...list.querySelectorAll('[part~="attention-item"]')].map((item) => [
        words(item.querySelector('[part~="attention-name"]')),
        words(item.querySelector('[part~="attention-reason"]')),
        words(item.querySelector('[part~="attention-advice"]')),
      ]);
    equal(items(lists[0]!), [
      ['flaky-a.pdf', 'The file could not be processed after several attempts.', 'Another try may work: choose Retry failed.'],
      ['bad.pdf', 'The processing service could not read this document.', 'Scan or export it again, then add it in a new batch.'],
    ]);
    equal(items(lists[1]!), [
      ['big.pdf', 'larger than 0.1 MB', 'Make it smaller (split it, or scan at a lower resolution), then add it in a new batch.'],
      ['fine.pdf', 'added twice', 'Nothing to do: it is in the batch once.'],
      ['letter.pdf', 'not a PDF or an image', 'Save it as a PDF or an image (PNG, JPEG, TIFF, WebP), then add it in a new batch.'],
    ]);
    equal(words(lists[1]!.previousElementSibling), '3 files were not sent');
    const retry = part(el, 'retry-button')!;
    equal(words(retry), 'Retry failed (1 file)', 'the damaged file is not counted:');
    ok(outcome.contains(retry), 'next to the files it retries');

    // Zero cards hidden; the bar shows the completed and failed shares.
    equal(parts(el, 'status-card').map(words), ['2 Completed', '2 Failed']);
    const bar = part(el, 'progress')!;
    equal(bar.getAttribute('aria-valuetext'), '4 of 4 files done: 2 completed, 2 failed');
    const width = (selector: string) => bar.querySelector<HTMLElement>(selector)!.getBoundingClientRect().width / bar.getBoundingClientRect().width;
    // The segments grow with a short transition.
    await until(() => Math.abs(width('.seg.completed') - 0.5) < 0.02 && Math.abs(width('.seg.failed') - 0.5) < 0.02, 'half completed, half failed', 2_000);
    ok(part(el, 'toast')!.classList.contains('outcome-partial'), 'the notice has the same outcome');
    await expectAccessible(el);

    // Retry: the failure that can pass passes; the damaged file stays.
    retry.click();
    await until(() => complete.length === 2, 'the retried batch finishes', 20_000);
    await settle(el);
    equal(words(part(el, 'summary')), 'Some files need attention: 3 succeeded, 1 failed, 3 not sent');
    ok(text(el, 'attention').startsWith('Needs attention (4)'), text(el, 'attention'));
    equal(part(el, 'retry-button'), null);
  });

  it('all succeeded and cancelled: words, icon and colour in the heading, the notice and the history; only the cards that count', async () => {
    const el = await mount({ 'show-history': true });
    await runBatch(el, [pdf(), pdf()]);
    equal(words(part(el, 'summary')), 'All files succeeded: 2 succeeded, 0 failed');
    equal(getComputedStyle(part(el, 'summary')!).borderInlineStartColor, 'rgb(21, 128, 61)', 'green');
    equal(part(el, 'attention'), null, 'nothing needs attention');
    equal(parts(el, 'status-card').map(words), ['2 Completed']);
    ok(part(el, 'toast')!.classList.contains('outcome-succeeded'), 'the notice says so too');
    await expectAccessible(el);

    part(el, 'reset-button')!.click();
    await settle(el);
    const complete = record(el, 'batch-complete');
    await el.addFiles(Array.from({ length: 30 }, () => pdf()));
    await settle(el);
    part(el, 'start-button')!.click();
    await until(() => el.session.getState().phase === 'processing', 'processing');
    await settle(el);
    part(el, 'cancel-button')!.click();
    await until(() => complete[0], 'the batch ends', 20_000);
    await settle(el);
    ok(/^Batch cancelled: \d+ succeeded, 0 failed, \d+ cancelled$/.test(words(part(el, 'summary'))), words(part(el, 'summary')));
    equal(getComputedStyle(part(el, 'summary')!).borderInlineStartColor, 'rgb(75, 85, 99)', 'grey');
    ok(part(el, 'toast')!.classList.contains('outcome-cancelled'), 'the notice too');
    ok(
      parts(el, 'status-card').every((card) => !words(card).startsWith('0 ')),
      parts(el, 'status-card').map(words).join(', '),
    );
    const history = () => [...el.shadowRoot!.querySelectorAll('.history li')];
    await until(() => words(history()[0]).startsWith('Batch cancelled · '), 'the cancelled batch in the history');
    ok(words(history()[1]).startsWith('All files succeeded · '), words(history()[1]));
    ok(history()[0]!.classList.contains('outcome-cancelled') && history()[1]!.classList.contains('outcome-succeeded'), 'each with its colour');
    ok(
      history().every((item) => item.querySelector('svg')),
      'and icon',
    );
    await expectAccessible(el);
  });

  it('with 1,000 failed files: the first ten listed, every one after "Show 990 more", focus on the first of them; the end names the first three', async () => {
    const session = new BatchSession({ client: new FinishedBatchClient(damagedBatch(1_000)), limits: DEFAULT_LIMITS });
    const el = await mount({}, (element) => {
      element.session = session;
    });
    const said = recordAnnouncements(el);
    await session.attach('damaged-batch');
    await until(() => part(el, 'outcome'), 'the outcome');
    await settle(el);
    equal(words(part(el, 'summary')), 'All files failed: 0 succeeded, 1000 failed');
    equal(getComputedStyle(part(el, 'summary')!).borderInlineStartColor, 'rgb(185, 28, 28)', 'red');
    equal(parts(el, 'attention-item').length, 10);
    equal(parts(el, 'file-row').length < 100, true, 'the file list stays windowed');
    const more = part(el, 'attention-more-button')!;
    equal(words(more), 'Show 990 more');
    more.focus();
    more.click();
    await until(() => parts(el, 'attention-item').length === 1_000, 'every failed file');
    await until(() => el.shadowRoot!.activeElement === parts(el, 'attention-item')[10], 'focus on the first file shown now');
    equal(words(el.shadowRoot!.activeElement!.querySelector('[part~="attention-name"]')), 'scan-11.pdf');
    await expectAccessible(el);
    await until(() => said.length > 0, 'the end announced');
    equal(said.at(-1)!.text, 'All files failed: 0 succeeded, 1000 failed. Failed: scan-1.pdf, scan-2.pdf, scan-3.pdf and 997 more.');
  });
});

describe('<batch-uploader>: one progress story', () => {
  it('upload and processing are two steps: the cards say what the rows say, and the bar never goes back without the step saying why', async () => {
    const el = await mount();
    await el.addFiles([pdf('big.pdf', 6 * 1024 * 1024), pdf('a.pdf'), pdf('b.pdf')]);
    await settle(el);
    const seen: Array<{ now: number; text: string; sent: number; step: string; cards: string[]; rows: string[] }> = [];
    let sampling = true;
    const sample = () => {
      const bar = part(el, 'progress');
      if (bar) {
        seen.push({
          now: Number(bar.getAttribute('aria-valuenow')),
          text: bar.getAttribute('aria-valuetext')!,
          sent: parseFloat(bar.style.getPropertyValue('--sent')),
          step: words(el.shadowRoot!.querySelector('[aria-current="step"]')),
          cards: parts(el, 'status-card').map(words),
          rows: parts(el, 'file-status').map(words),
        });
      }
      if (sampling) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
    const complete = record(el, 'batch-complete');
    part(el, 'start-button')!.click();
    await until(() => complete[0], 'the batch finishes', 20_000);
    await settle(el);
    sampling = false;
    sample();

    const uploading = seen.filter((s) => s.text.startsWith('Uploading: '));
    ok(uploading.length > 3, `seen while uploading (${uploading.length})`);
    for (const s of uploading) {
      ok(/^Uploading: [0-3] of 3 files sent \(\d+%\)$/.test(s.text), s.text);
      equal(s.step, 'Uploading');
      // Cards and rows agree: each card counts the rows with its word.
      for (const card of s.cards) {
        const [count, word] = card.split(' ');
        equal(s.rows.filter((row) => row === word).length, Number(count), `${card} against rows ${s.rows.join(', ')}:`);
      }
      ok(!s.cards.some((card) => card.endsWith('Pending')) || s.rows.includes('Pending'), 'no file counted as pending that a row shows uploading');
    }
    const processing = seen.filter((s) => s.text.startsWith('Processing: '));
    ok(processing.length > 0, 'seen while processing');
    for (const s of processing) equal(s.step, 'Processing');
    for (let i = 1; i < seen.length; i++) {
      const [before, after] = [seen[i - 1]!, seen[i]!];
      ok(after.sent >= before.sent, `the sent share never goes back (${before.sent} → ${after.sent})`);
      if (after.now < before.now) {
        ok(
          before.text.startsWith('Uploading: ') && after.text.startsWith('Processing: '),
          `the value goes back only when the step changes: "${before.text}" → "${after.text}"`,
        );
      }
    }
    equal(seen.at(-1)!.text, '3 of 3 files done: 3 completed, 0 failed');
  });
});

describe('<batch-uploader>: what a screen reader hears', () => {
  it('has a heading (heading-level) and regions labelled by real headings', async () => {
    const el = await mount({ 'heading-level': '3', 'show-history': true });
    const heading = part(el, 'heading')!;
    equal([heading.getAttribute('role'), heading.getAttribute('aria-level'), words(heading)], ['heading', '3', 'Upload documents']);
    const labelOf = (node: Element) => el.shadowRoot!.getElementById(node.getAttribute('aria-labelledby')!)!;
    equal(labelOf(part(el, 'base')!), heading, 'the element is a region named by its heading:');
    equal(part(el, 'base')!.getAttribute('role'), 'region');
    // The history's code is a chunk of its own, imported when the panel is first shown.
    await until(() => part(el, 'history'), 'the history panel');
    const history = labelOf(part(el, 'history')!);
    equal([history.getAttribute('role'), history.getAttribute('aria-level'), words(history)], ['heading', '4', 'Recent batches']);
    await runBatch(el, [pdf(), await brokenPdf()]);
    const progress = labelOf(part(el, 'progress-area')!);
    equal([progress.getAttribute('role'), progress.getAttribute('aria-level'), words(progress)], ['heading', '4', 'Batch progress']);
    equal(labelOf(part(el, 'outcome')!), part(el, 'summary'));
    equal(part(el, 'summary')!.getAttribute('aria-level'), '4');
    equal(el.shadowRoot!.getElementById('attention-title')!.getAttribute('aria-level'), '5');
    equal(el.shadowRoot!.getElementById('attention-failed')!.getAttribute('aria-level'), '6');
    await expectAccessible(el);
  });

  it('says each message once, in order, paced and throttled, over a whole batch: added, removed, upload complete, the end with the failed files by name', async () => {
    const el = await mount();
    const said = recordAnnouncements(el);
    const files = [...Array.from({ length: 40 }, (_, i) => pdf(`record-${i + 1}.pdf`)), await brokenPdf('damaged.pdf'), pdf('discharge.pdf')];
    await el.addFiles(files);
    await el.session.whenChecked();
    await settle(el);
    const discharge = parts(el, 'remove-button').find((b) => b.getAttribute('aria-label') === 'Remove discharge.pdf');
    // The list is windowed: the last rows may not be rendered; removing through the session is the same intent.
    if (discharge) discharge.click();
    else el.session.removeFile(el.session.getState().files.find((f) => f.name === 'discharge.pdf')!.id);
    await until(() => said.some((s) => s.text === 'discharge.pdf removed.'), 'the removal announced');
    const complete = record(el, 'batch-complete');
    part(el, 'start-button')!.click();
    await until(() => complete[0], 'the batch finishes', 30_000);
    await until(() => said.at(-1)!.text.startsWith('Some files need attention'), 'the end announced');

    const texts = said.map((s) => s.text);
    equal(texts[0], '42 files added.');
    equal(texts[1], 'discharge.pdf removed.');
    ok(texts.includes('Upload complete. Processing 41 files.'), texts.join(' | '));
    equal(texts.at(-1), 'Some files need attention: 40 succeeded, 1 failed. Failed: damaged.pdf.');
    equal(new Set(texts).size, texts.length, `each message once: ${texts.join(' | ')}`);
    const at = ['42 files added.', 'discharge.pdf removed.', 'Upload complete. Processing 41 files.', 'Some files need attention'].map((start) =>
      texts.findIndex((t) => t.startsWith(start)),
    );
    ok(
      at.every((index, i) => index >= 0 && (i === 0 || index > at[i - 1]!)),
      `in order: ${texts.join(' | ')}`,
    );
    for (let i = 1; i < said.length; i++)
      ok(said[i]!.at - said[i - 1]!.at >= 1_400, `each message stays long enough to be heard: ${texts[i - 1]} → ${texts[i]}`);
    const progress = said.filter((s) => / processed\.$|^Uploading: \d+%\.$/.test(s.text));
    for (let i = 1; i < progress.length; i++) ok(progress[i]!.at - progress[i - 1]!.at >= 4_900, 'progress at most every 5 seconds');
    const regions = el.shadowRoot!.querySelectorAll('[aria-live], [role="status"], [role="log"]');
    equal(
      [...regions].map((r) => r.getAttribute('part')),
      ['live-region'],
      'one live region:',
    );
  });

  it('the announcer queues, keeps each message long enough, says duplicates once and drops stale progress', async () => {
    const host = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) };
    const announcer = new AnnouncerController(host, { gapMs: 40, progressMs: 300, repeatMs: 200 });
    announcer.hostConnected();
    const shown: string[] = [];
    host.requestUpdate = () => shown.push(announcer.text);
    announcer.say('one');
    announcer.say('one');
    announcer.progress('25%');
    announcer.say('two');
    announcer.progress('50%'); // Within progressMs of the last: dropped.
    await new Promise((resolve) => setTimeout(resolve, 100));
    equal(shown, ['one', 'two'], 'the duplicate said once, the progress overtaken by "two" dropped:');
    announcer.say('two'); // Within repeatMs of the first: the same message told twice.
    await new Promise((resolve) => setTimeout(resolve, 250));
    equal(shown.length, 2, 'said once');
    announcer.say('two'); // Later: a new message with the same words, changed so that it is heard.
    await new Promise((resolve) => setTimeout(resolve, 100));
    equal(shown, ['one', 'two', 'two\u00a0']);
    announcer.hostDisconnected();
  });

  it('a file the processing service refused with a code of its own is not offered a retry, which would fail it the same way', async () => {
    const el = await mount({ endpoint: FLAKY_ENDPOINT });
    await runBatch(el, [pdf('flaky-r.pdf'), pdf('refused-scan.pdf')]);
    const items = [...el.shadowRoot!.querySelectorAll('[part~="attention-item"]')].map((item) => [
      words(item.querySelector('[part~="attention-name"]')),
      words(item.querySelector('[part~="attention-reason"]')),
      words(item.querySelector('[part~="attention-advice"]')),
    ]);
    equal(items, [
      ['flaky-r.pdf', 'The file could not be processed after several attempts.', 'Another try may work: choose Retry failed.'],
      ['refused-scan.pdf', 'The processing service could not read this document.', 'Add it again in a new batch; if it fails again, ask your administrator.'],
    ]);
    equal(el.session.getState().files.find((f) => f.name === 'refused-scan.pdf')!.error!.code, 'UNREADABLE_SCAN');
    equal(words(part(el, 'retry-button')), 'Retry failed (1 file)', 'the refused file is not counted:');
  });

  it('the finish notice sits in its place when the outcome is in sight, and sticks to the window only when it is not', async () => {
    const inSight = await mount();
    await runBatch(inSight, [pdf('seen.pdf')]);
    await settle(inSight);
    const placed = part(inSight, 'toast')!;
    ok(
      placed.classList.contains('in-place') && getComputedStyle(placed).position === 'static',
      'in its place: it repeats what the outcome shows, over nothing',
    );
    cleanUp();

    // An outcome taller than the window (many files need attention): its heading in sight is enough.
    const tall = await mount();
    await runBatch(tall, [pdf('kept.pdf'), ...Array.from({ length: 9 }, (_, i) => new File(['plain text'], `not-a-document-${i}.pdf`))]);
    await settle(tall);
    ok(part(tall, 'outcome')!.getBoundingClientRect().height > document.documentElement.clientHeight, 'the outcome runs below the window');
    ok(part(tall, 'toast')!.classList.contains('in-place'), 'the notice does not cover the files that need attention');
    cleanUp();

    // The clerk is elsewhere on a long page (focus not in the element): the end is out of sight.
    const spacer = Object.assign(document.createElement('div'), { style: 'height: 3000px' });
    document.body.append(spacer);
    try {
      const below = await mount();
      await runBatch(below, [pdf('unseen.pdf')]);
      await settle(below);
      ok(part(below, 'outcome')!.getBoundingClientRect().top > document.documentElement.clientHeight, 'the outcome is below the window');
      const notice = part(below, 'toast')!;
      ok(!notice.classList.contains('in-place') && getComputedStyle(notice).position === 'sticky', 'sticky: the end is seen where the clerk is');
    } finally {
      spacer.remove();
    }
  });

  it('the finish notice stays while the pointer or the focus is on it, and closes a while after they leave', async () => {
    const host = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) };
    const notice = new ToastController(host, 80);
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    notice.show('Some files need attention: 1 succeeded, 2 failed', 'partial');
    notice.hold('focus'); // Tabbed to its Close button.
    notice.hold('pointer');
    await wait(200);
    equal(notice.text, 'Some files need attention: 1 succeeded, 2 failed', 'kept while focus and pointer are on it');
    notice.release('pointer');
    await wait(200);
    ok(notice.text, 'kept while the focus is still on it');
    notice.release('focus');
    await wait(30);
    ok(notice.text, 'not at once');
    await wait(150);
    equal(notice.text, null, 'closed a while after both left');
    notice.show('All files succeeded', 'succeeded');
    await wait(150);
    equal(notice.text, null, 'a notice no one holds closes by itself');
    notice.hostDisconnected();
  });
});
