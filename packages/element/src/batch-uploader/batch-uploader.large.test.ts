/**
 * <batch-uploader> with max-files raised to 10,000: the files are listed at once and
 * checked in the background, adding them is one state update, rendering is windowed,
 * and the page stays responsive. (Chromium reads in-memory Files through its blob
 * registry, about a millisecond each here: checking 10,000 takes seconds.)
 */
import type { BatchUploader } from './batch-uploader.component.js';
import { cleanUp, equal, expectAccessible, mount, ok, part, parts, settle, text, until } from '../test/helpers.js';

const MANY = 10_000;
let el: BatchUploader;
let updates = 0;
let longest = 0;
let elapsed = 0;
let checking = '';
let firstRows: Array<{ name: string; status: string; setsize: string | null }> = [];
let listed = 0;

before(async function () {
  this.timeout(180_000);
  cleanUp();
  el = await mount({ 'max-files': String(MANY) });
  const head = new TextEncoder().encode('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n');
  const files = Array.from({ length: MANY }, (_, i) => new File([head], `scan-${i}.pdf`, { type: 'application/pdf', lastModified: i }));
  el.session.subscribe(() => (updates += 1));
  // Making the files is the test's work (what the file picker does): measure from the next task.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const started = performance.now();
  const adding = el.addFiles(files);
  await settle(el);
  listed = performance.now() - started;
  checking = text(el, 'checking');
  firstRows = parts(el, 'file-row').map((row) => ({
    name: row.querySelector('[part~="file-name"]')!.textContent!,
    status: row.querySelector('[part~="file-status"]')!.textContent!.trim(),
    setsize: row.getAttribute('aria-setsize'),
  }));
  await adding;
  await settle(el);
  elapsed = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 100)); // Let the observer report.
  observer.disconnect();
  console.log(`10,000 files: listed in ${Math.round(listed)} ms, checked and rendered in ${Math.round(elapsed)} ms; longest task ${Math.round(longest)} ms`);
});

describe('<batch-uploader> with 10,000 files', () => {
  it('has no accessibility violations with a windowed list of 10,000 files', async () => {
    await expectAccessible(el);
  });

  it('lists them in the first frame, as being checked, before the check is done', () => {
    ok(firstRows.length > 0 && firstRows.length < 100, `a window of rows at once (${firstRows.length})`);
    equal(firstRows[0], { name: 'scan-0.pdf', status: 'Checking', setsize: String(MANY) });
  });

  it('adds them in one state update without blocking the page', () => {
    equal(checking, 'Checking 10000 files…', 'says it is busy meanwhile:');
    equal(updates, 1, 'state updates:');
    equal(part(el, 'checking'), null, 'and stops saying so');
    equal(text(el, 'start-button'), 'Start Batch Upload (10000 files)');
    ok(longest < 1_000, `no task blocks the page for a second (longest ${Math.round(longest)} ms)`);
  });

  it('renders only the rows in view, tells assistive technology the full count, and scrolls to the last one', async () => {
    const rows = parts(el, 'file-row');
    ok(rows.length > 0 && rows.length < 100, `only the rows in view are rendered (${rows.length})`);
    equal(rows[0]!.getAttribute('aria-setsize'), String(MANY));
    equal(rows[0]!.getAttribute('aria-posinset'), '1');
    const list = part(el, 'file-list')!;
    list.scrollTop = list.scrollHeight;
    await until(() => parts(el, 'file-row').some((r) => r.getAttribute('aria-posinset') === String(MANY)), 'the last row after scrolling');
    await settle(el);
    equal(parts(el, 'file-row').at(-1)!.querySelector('[part~="file-name"]')!.textContent, `scan-${MANY - 1}.pdf`);
    ok(parts(el, 'file-row').length < 100, 'still windowed');
  });

  it('removes one file in one more update', async () => {
    parts<HTMLButtonElement>(el, 'remove-button').at(-1)!.click();
    await settle(el);
    equal(el.session.getState().files.length, MANY - 1);
    equal(updates, 2);
    cleanUp();
  });
});
