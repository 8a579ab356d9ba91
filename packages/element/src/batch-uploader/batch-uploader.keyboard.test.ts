/**
 * <batch-uploader> by keyboard alone, in Chromium (keys sent by the browser, not
 * synthesised events): the file list is one grid with one Tab stop whose rows are reached
 * in order by the arrows, Page Up/Down and Home/End, at 50 and at 10,000 files; focus
 * stays on the same file while the windowed list scrolls and updates arrive; and where
 * focus goes after Start, Pause, Cancel, the end of a batch, Retry failed and starting
 * over (the element's README, "Keyboard").
 */
import { sendKeys } from '@web/test-runner-commands';
import type { BatchUploader } from './batch-uploader.component.js';
import { FLAKY_ENDPOINT, cleanUp, equal, expectAccessible, mount, ok, part, parts, pdf, record, settle, until } from '../test/helpers.js';

/** Adds files as the picker would, and waits for the check of their content and the render. */
async function add(el: BatchUploader, files: File[]): Promise<void> {
  await el.addFiles(files);
  await el.session.whenChecked();
  await settle(el);
}

/** The element focused inside the shadow root. */
function focused(el: BatchUploader): HTMLElement | null {
  return el.shadowRoot!.activeElement as HTMLElement | null;
}

/** The name of the file whose row holds the focus, and which cell: `file-7.pdf` or `file-7.pdf:remove`. */
function focusedCell(el: BatchUploader): string {
  const cell = focused(el);
  const row = cell?.closest('[part~="file-row"]');
  if (!cell || !row) return `not in the list: ${cell?.getAttribute('part') ?? cell?.tagName ?? 'nothing'}`;
  const name = row.querySelector('[part~="file-name"]')!.textContent!;
  return cell.matches('[part~="remove-button"]') ? `${name}:remove` : name;
}

/** Presses a key and lets the element render (and the window move) as it would for a person. */
async function press(el: BatchUploader, key: string): Promise<void> {
  const [modifier, name] = key.includes('+') ? key.split('+') : [null, key];
  if (modifier) await sendKeys({ down: modifier });
  await sendKeys({ press: name! });
  if (modifier) await sendKeys({ up: modifier });
  await settle(el);
  await settle(el);
}

/** Whether the focused cell's row is inside the list's visible box. */
function focusInView(el: BatchUploader): boolean {
  const row = focused(el)!.closest('[part~="file-row"]')!.getBoundingClientRect();
  const view = part(el, 'file-list')!.getBoundingClientRect();
  return row.top >= view.top - 1 && row.bottom <= view.bottom + 1;
}

describe('<batch-uploader> by keyboard: the file list at 50 files', () => {
  afterEach(cleanUp);

  it("is one Tab stop; Down walks every row in order, Right reaches row 50's remove button, Tab leaves to the buttons", async () => {
    const el = await mount();
    await add(
      el,
      Array.from({ length: 50 }, (_, i) => pdf(`file-${i + 1}.pdf`)),
    );
    const list = part(el, 'file-list')!;
    equal([list.getAttribute('role'), list.getAttribute('aria-rowcount')], ['grid', '50']);
    ok(parts(el, 'file-row').length < 50, `the list is windowed (${parts(el, 'file-row').length} rows)`);
    equal(el.shadowRoot!.querySelectorAll('.list [tabindex="0"]').length, 1, 'one Tab stop in the list:');
    part(el, 'patient-input')!.focus();
    await press(el, 'Tab');
    equal(focusedCell(el), 'file-1.pdf');
    await expectAccessible(el);
    const seen = [focusedCell(el)];
    for (let i = 1; i < 50; i++) {
      await press(el, 'ArrowDown');
      seen.push(focusedCell(el));
      ok(focusInView(el), `row ${i + 1} scrolled into view`);
    }
    equal(
      seen,
      Array.from({ length: 50 }, (_, i) => `file-${i + 1}.pdf`),
      'every row once, in order:',
    );
    await press(el, 'ArrowDown');
    equal(focusedCell(el), 'file-50.pdf', 'Down on the last row stays:');
    await press(el, 'ArrowRight');
    equal(focusedCell(el), 'file-50.pdf:remove');
    equal(focused(el)!.getAttribute('aria-label'), 'Remove file-50.pdf');
    await press(el, 'Tab');
    equal(focused(el), part(el, 'clear-button'), 'Tab leaves the list for the next control:');
    await press(el, 'Shift+Tab');
    equal(focusedCell(el), 'file-50.pdf:remove', 'and Shift+Tab comes back to the same cell:');
    await expectAccessible(el);
  });

  it('Home, End, Page Up and Page Down; Left and Right between the file and its remove button', async () => {
    const el = await mount();
    await add(
      el,
      Array.from({ length: 50 }, (_, i) => pdf(`file-${i + 1}.pdf`)),
    );
    part(el, 'patient-input')!.focus();
    await press(el, 'Tab');
    await press(el, 'End');
    equal(focusedCell(el), 'file-50.pdf');
    ok(focusInView(el), 'the last row in view');
    await press(el, 'Home');
    equal(focusedCell(el), 'file-1.pdf');
    await press(el, 'PageDown');
    const page = Number(/file-(\d+)/.exec(focusedCell(el))![1]) - 1;
    ok(page >= 2 && page < 20, `Page Down moves by about a view (${page} rows)`);
    ok(focusInView(el), 'that row in view');
    await press(el, 'PageDown');
    equal(focusedCell(el), `file-${1 + 2 * page}.pdf`);
    await press(el, 'PageUp');
    equal(focusedCell(el), `file-${1 + page}.pdf`);
    await press(el, 'ArrowRight');
    equal(focusedCell(el), `file-${1 + page}.pdf:remove`);
    await press(el, 'ArrowDown');
    equal(focusedCell(el), `file-${2 + page}.pdf:remove`, 'Down keeps the column:');
    await press(el, 'ArrowLeft');
    equal(focusedCell(el), `file-${2 + page}.pdf`);
  });

  it('Enter on a remove button and Delete on a row remove that file; focus goes to the file that takes its place, and after Clear all to the drop zone', async () => {
    const el = await mount();
    await add(
      el,
      Array.from({ length: 5 }, (_, i) => pdf(`file-${i + 1}.pdf`)),
    );
    part(el, 'patient-input')!.focus();
    await press(el, 'Tab');
    await press(el, 'ArrowDown');
    await press(el, 'ArrowRight');
    await press(el, 'Enter');
    equal(focusedCell(el), 'file-3.pdf:remove');
    await press(el, 'ArrowLeft');
    await press(el, 'Delete');
    equal(focusedCell(el), 'file-4.pdf');
    await press(el, 'End');
    await press(el, 'Delete');
    equal(focusedCell(el), 'file-4.pdf', 'the last one removed, the one before it:');
    equal(
      el.session.getState().files.map((f) => f.name),
      ['file-1.pdf', 'file-4.pdf'],
    );
    await press(el, 'Tab');
    equal(focused(el), part(el, 'clear-button'));
    await press(el, 'Enter');
    equal(focused(el), part(el, 'drop-zone'), 'after Clear all:');
  });
});

describe('<batch-uploader> by keyboard: the file list at 10,000 files', () => {
  let el: BatchUploader;

  before(async function () {
    this.timeout(120_000);
    cleanUp();
    el = await mount({ 'max-files': '10000' });
    const head = new TextEncoder().encode('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n');
    await add(
      el,
      Array.from({ length: 10_000 }, (_, i) => new File([head], `scan-${i + 1}.pdf`, { type: 'application/pdf', lastModified: i })),
    );
  });

  it('reaches the last row by End and every row between by the arrows, the window following; axe finds nothing', async () => {
    part(el, 'patient-input')!.focus();
    await press(el, 'Tab');
    equal(focusedCell(el), 'scan-1.pdf');
    await press(el, 'End');
    equal(focusedCell(el), 'scan-10000.pdf');
    ok(focusInView(el), 'the last row in view');
    await press(el, 'ArrowRight');
    equal(focused(el)!.getAttribute('aria-label'), 'Remove scan-10000.pdf', "the last row's action:");
    await expectAccessible(el);
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      await press(el, 'ArrowUp');
      seen.push(focusedCell(el));
    }
    equal(
      seen,
      Array.from({ length: 30 }, (_, i) => `scan-${9_999 - i}.pdf:remove`),
      'Up, row by row:',
    );
    ok(parts(el, 'file-row').length < 100, 'still windowed');
    await press(el, 'Home');
    equal(focusedCell(el), 'scan-1.pdf:remove');
    const rows: number[] = [];
    for (let i = 0; i < 5; i++) {
      await press(el, 'PageDown');
      ok(focusInView(el), `page ${i + 1} in view`);
      rows.push(Number(focused(el)!.closest('[part~="file-row"]')!.getAttribute('aria-rowindex')));
    }
    const page = rows[0]! - 1;
    ok(page > 1, `Page Down moves by a view (${page} rows)`);
    equal(
      rows,
      [1, 2, 3, 4, 5].map((n) => 1 + n * page),
      'page by page:',
    );
  });

  it('keeps focus on the same file when the list is scrolled away from it and back, and when files before it are removed', async () => {
    part(el, 'patient-input')!.focus();
    await press(el, 'Tab');
    const before = focusedCell(el);
    const list = part(el, 'file-list')!;
    list.scrollTop = list.scrollHeight / 2;
    await until(() => parts(el, 'file-row').some((r) => Number(r.getAttribute('aria-rowindex')) > 4_000), 'rows of the middle');
    await settle(el);
    equal(focusedCell(el), before, 'scrolled far away:');
    list.scrollTop = 0;
    await until(() => parts(el, 'file-row').some((r) => r.getAttribute('aria-rowindex') === '1'), 'the top again');
    await settle(el);
    equal(focusedCell(el), before, 'scrolled back:');
    const files = el.session.getState().files;
    const at = files.findIndex((f) => `${f.name}:remove` === before || f.name === before);
    el.session.removeFile(files[0]!.id);
    el.session.removeFile(files[1]!.id);
    await settle(el);
    await settle(el);
    equal(focusedCell(el), before, 'files before it removed:');
    equal(focused(el)!.closest('[part~="file-row"]')!.getAttribute('aria-rowindex'), String(at - 1));
    await press(el, 'ArrowDown');
    equal(focusedCell(el).replace(':remove', ''), el.session.getState().files[at - 1]!.name);
    cleanUp();
  });
});

describe('<batch-uploader> by keyboard: where focus goes', () => {
  afterEach(cleanUp);

  it('after Start to the progress; a focused Pause becomes Resume, never another action; at the end to the outcome; Retry failed to the progress; Upload another batch to the drop zone', async () => {
    const el = await mount({ endpoint: FLAKY_ENDPOINT });
    const retried = record(el, 'batch-retried');
    await add(el, [...Array.from({ length: 12 }, (_, i) => pdf(`note-${i + 1}.pdf`)), pdf('flaky-k.pdf')]);
    part(el, 'start-button')!.focus();
    await press(el, 'Enter');
    await until(() => part(el, 'progress-area'), 'the progress');
    await settle(el);
    equal(focused(el), part(el, 'progress-area'), 'after Start:');
    const pause = await until(() => part(el, 'pause-button'), 'Pause');
    pause.focus();
    await press(el, 'Enter');
    const resume = await until(() => part(el, 'resume-button'), 'Resume');
    await settle(el);
    equal(focused(el), resume, 'Pause pressed, Resume has the focus:');
    ok(!pause.isConnected, 'the Pause button is gone, not relabelled');
    await press(el, 'Enter');
    const again = await until(() => part(el, 'pause-button'), 'Pause again');
    await settle(el);
    equal(focused(el), again, 'and back:');
    // Left focused on Pause until the batch ends: it never turns into Retry failed.
    await until(() => part(el, 'outcome'), 'the end', 30_000);
    await settle(el);
    ok(!again.isConnected, 'Pause went away with the batch');
    equal(focused(el), part(el, 'outcome'), 'at the end:');
    await press(el, 'Enter');
    equal(retried.length, 0, 'Enter on the outcome retries nothing');
    const retry = part(el, 'retry-button')!;
    retry.focus();
    await press(el, 'Enter');
    await until(() => retried.length === 1 && !retry.isConnected, 'the retry');
    await settle(el);
    equal(focused(el), part(el, 'progress-area'), 'after Retry failed:');
    await until(() => part(el, 'outcome'), 'the end again', 30_000);
    await settle(el);
    equal(focused(el), part(el, 'outcome'), 'at the end again:');
    part(el, 'reset-button')!.focus();
    await press(el, 'Enter');
    equal(focused(el), part(el, 'drop-zone'), 'after Upload another batch:');
  });

  it('after Cancel to the outcome', async () => {
    const el = await mount();
    await add(
      el,
      Array.from({ length: 30 }, (_, i) => pdf(`letter-${i + 1}.pdf`)),
    );
    part(el, 'start-button')!.focus();
    await press(el, 'Enter');
    const cancel = await until(() => (el.session.getState().phase === 'processing' ? part(el, 'cancel-button') : null), 'processing');
    cancel.focus();
    await press(el, 'Enter');
    await until(() => part(el, 'outcome'), 'the cancelled batch', 30_000);
    await settle(el);
    equal(focused(el), part(el, 'outcome'));
    await expectAccessible(el);
  });
});
