/**
 * <batch-uploader> with max-files raised to 10,000: the files are listed as queued at
 * once (taken by their declared type, in one state update), rendering is windowed, and
 * their content is checked in the background, where a mislabelled file turns into a
 * refusal. (Chromium reads in-memory Files through its blob registry, about a
 * millisecond each here: checking 10,000 takes seconds.)
 */
import type { BatchUploader } from './batch-uploader.component.js';
import type { BatchUploaderEventMap } from '../events.js';
import { cleanUp, equal, expectAccessible, mount, ok, part, parts, record, settle, text, until } from '../test/helpers.js';

const MANY = 10_000;
/** The file whose name and type say PDF but whose bytes are a letter. */
const MISLABELLED = 4_321;
let el: BatchUploader;
let updates = 0;
let firstRows: Array<{ name: string; status: string; setsize: string | null }> = [];
let firstStart = '';
let updatesWhenListed = 0;
let refused: Array<BatchUploaderEventMap['batch-files-rejected']> = [];

before(async function () {
  this.timeout(180_000);
  cleanUp();
  el = await mount({ 'max-files': String(MANY) });
  refused = record(el, 'batch-files-rejected');
  const head = new TextEncoder().encode('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n');
  const files = Array.from({ length: MANY }, (_, i) =>
    i === MISLABELLED
      ? new File(['Dear colleague, this is a letter.'], `scan-${i}.pdf`, { type: 'application/pdf', lastModified: i })
      : new File([head], `scan-${i}.pdf`, { type: 'application/pdf', lastModified: i }),
  );
  el.session.subscribe(() => (updates += 1));
  // Making the files is the test's work (what the file picker does): begin at the next task.
  await new Promise((resolve) => setTimeout(resolve, 0));
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const started = performance.now();
  const adding = el.addFiles(files);
  await settle(el);
  const listed = performance.now() - started;
  firstRows = parts(el, 'file-row').map((row) => ({
    name: row.querySelector('[part~="file-name"]')!.textContent!,
    status: row.querySelector('[part~="file-status"]')!.textContent!.trim(),
    setsize: part(el, 'file-list')!.getAttribute('aria-rowcount'),
  }));
  firstStart = text(el, 'start-button');
  updatesWhenListed = updates;
  await adding;
  await el.session.whenChecked();
  await settle(el);
  const checked = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 100)); // Let the observer report.
  observer.disconnect();
  console.log(
    `10,000 files: listed as queued in ${Math.round(listed)} ms, content checked in ${Math.round(checked)} ms; longest task ${Math.round(longest)} ms`,
  );
});

describe('<batch-uploader> with 10,000 files', () => {
  it('has no accessibility violations with a windowed list of 10,000 files', async () => {
    await expectAccessible(el);
  });

  it('lists them as queued in the first frame, in one state update, the start button counting them all', () => {
    ok(firstRows.length > 0 && firstRows.length < 100, `a window of rows at once (${firstRows.length})`);
    equal(firstRows[0], { name: 'scan-0.pdf', status: 'Ready', setsize: String(MANY) });
    equal(updatesWhenListed, 1, 'state updates:');
    equal(firstStart, `Start Batch Upload (${MANY} files)`);
  });

  it('turns the file whose content is not a document into a refusal once its content was checked', () => {
    equal(updates, 2, 'one more state update for the check:');
    const files = el.session.getState().files;
    equal(files.length, MANY - 1);
    ok(!files.some((f) => f.name === `scan-${MISLABELLED}.pdf`), 'the mislabelled file left the list');
    ok(text(el, 'messages').includes(`scan-${MISLABELLED}.pdf is not a PDF or an image`), text(el, 'messages'));
    equal(
      refused.flatMap((r) => r.rejected.map((f) => [f.name, f.code])),
      [[`scan-${MISLABELLED}.pdf`, 'UNSUPPORTED_TYPE']],
    );
    equal(part(el, 'checking'), null, 'nothing is said to be checking');
    equal(text(el, 'start-button'), `Start Batch Upload (${MANY - 1} files)`);
  });

  it('renders only the rows in view, tells assistive technology the full count, and scrolls to the last one', async () => {
    const rows = parts(el, 'file-row');
    const total = String(MANY - 1);
    ok(rows.length > 0 && rows.length < 100, `only the rows in view are rendered (${rows.length})`);
    equal(part(el, 'file-list')!.getAttribute('aria-rowcount'), total);
    equal(rows[0]!.getAttribute('aria-rowindex'), '1');
    const list = part(el, 'file-list')!;
    list.scrollTop = list.scrollHeight;
    await until(() => parts(el, 'file-row').some((r) => r.getAttribute('aria-rowindex') === total), 'the last row after scrolling');
    await settle(el);
    equal(parts(el, 'file-row').at(-1)!.querySelector('[part~="file-name"]')!.textContent, `scan-${MANY - 1}.pdf`);
    ok(parts(el, 'file-row').length < 100, 'still windowed');
  });

  it('removes one file in one more update', async () => {
    parts<HTMLButtonElement>(el, 'remove-button').at(-1)!.click();
    await settle(el);
    equal(el.session.getState().files.length, MANY - 2);
    equal(updates, 3);
    cleanUp();
  });
});
