/**
 * <batch-uploader> following a long batch through many live updates: the status cards,
 * the progress text and every row on screen show the batch as the last update left it,
 * wherever the list is scrolled, and the windowed list follows a change of row height.
 * The updates come from a scripted client (no network), through a session the host made.
 */
import { BatchClient, BatchSession, type WatchOptions } from '@batch-uploader/sdk';
import { DEFAULT_LIMITS, type Batch, type BatchFile, type FileStatus } from '@batch-uploader/protocol';
import type { BatchUploader } from './batch-uploader.component.js';
import { ENDPOINT, cleanUp, equal, expectAccessible, mount, ok, part, parts, settle, until } from '../test/helpers.js';
import { wireBatch } from '@batch-uploader/test-support/wire-batch';

const FILES = 2_000;

/** A client that answers `attach` with `first` and hands the test the watch's update callback. */
class ScriptedClient extends BatchClient {
  update: (batch: Batch, changed?: readonly BatchFile[]) => void = () => {};
  readonly #first: Batch;
  constructor(first: Batch) {
    super({ endpoint: ENDPOINT });
    this.#first = first;
  }
  override getBatch(): Promise<Batch> {
    return Promise.resolve(this.#first);
  }
  override watchBatch(_batchId: string, options: WatchOptions = {}): Promise<Batch> {
    this.update = (batch, changed) => (changed ? options.onUpdate?.(batch, changed) : options.onUpdate?.(batch));
    return new Promise(() => {}); // Follows until the test is done.
  }
}

function batchOf(files: BatchFile[]): Batch {
  return wireBatch('long-batch', files, { accepting_files: false });
}

/** `batch` with the files at `changes` moved to a status; the changed files as a live `changes` event lists them. */
function step(batch: Batch, changes: ReadonlyArray<[number, FileStatus]>): { batch: Batch; changed: BatchFile[] } {
  const files = batch.files.slice();
  const changed: BatchFile[] = [];
  for (const [i, status] of changes) {
    const { error: _error, ...file } = files[i]!;
    files[i] = status === 'failed' ? { ...file, status, error: { code: 'CORRUPT_FILE', message: 'The file is damaged.' } } : { ...file, status };
    changed.push(files[i]);
  }
  return { batch: batchOf(files), changed };
}

async function following(first: Batch): Promise<{ el: BatchUploader; client: ScriptedClient }> {
  const client = new ScriptedClient(first);
  const session = new BatchSession({ client, limits: DEFAULT_LIMITS });
  const el = await mount({}, (element) => {
    element.session = session;
  });
  await session.attach(first.id);
  await until(() => parts(el, 'file-row').length > 0, 'the rows');
  await settle(el);
  return { el, client };
}

/** Scrolls the list so that file `index` is at its top, and waits until its row is rendered. */
async function scrollTo(el: BatchUploader, index: number): Promise<void> {
  const list = part(el, 'file-list')!;
  // Set again while waiting: the list's height follows new row heights a frame later, and
  // a scroll beyond the old height stops short.
  await until(
    () => {
      list.scrollTop = index * parts(el, 'file-row')[0]!.offsetHeight;
      return parts(el, 'file-row').some((row) => row.getAttribute('aria-rowindex') === String(index + 1));
    },
    `the row of file ${index + 1}`,
  );
  await settle(el);
}

/** What the element shows against `batch`: cards, progress text, and each rendered row's name and status. */
function expectShows(el: BatchUploader, batch: Batch, when: string): void {
  const counts = { pending: 0, processing: 0, completed: 0, failed: 0 };
  for (const file of batch.files) if (file.status !== 'cancelled') counts[file.status] += 1;
  const cards = parts(el, 'status-card').map((card) => card.textContent!.replace(/\s+/g, ' ').trim());
  equal(cards, [`${counts.pending} Pending`, `${counts.processing} Processing`, `${counts.completed} Completed`, `${counts.failed} Failed`], `cards ${when}:`);
  const finished = counts.completed + counts.failed;
  equal(
    part(el, 'progress')!.getAttribute('aria-valuetext'),
    `Processing: ${finished} of ${FILES} files done: ${counts.completed} completed, ${counts.failed} failed`,
    `progress ${when}:`,
  );
  const rows = parts(el, 'file-row');
  ok(rows.length > 0 && rows.length < 100, `a window of rows ${when} (${rows.length})`);
  for (const row of rows) {
    const file = batch.files[Number(row.getAttribute('aria-rowindex')) - 1]!;
    const shown = {
      name: row.querySelector('[part~="file-name"]')!.textContent,
      status: row.querySelector('[part~="file-status"]')!.textContent!.trim(),
      finished: row.classList.contains(file.status),
      error: row.querySelector('[part~="file-error"]') !== null,
    };
    const status = file.status[0]!.toUpperCase() + file.status.slice(1);
    equal(shown, { name: file.filename, status, finished: true, error: file.status === 'failed' }, `row ${row.getAttribute('aria-rowindex')} ${when}:`);
  }
}

afterEach(cleanUp);

describe('<batch-uploader> following a long batch live', () => {
  const first = batchOf(
    Array.from({ length: FILES }, (_, i) => ({
      file_id: `file-${i}`,
      filename: `scan-${i + 1}.pdf`,
      status: 'pending' as const,
      size: 1_000 + i,
      detected_type: 'application/pdf',
      attempts: 0,
      created_at: '2026-01-01T00:00:00.000Z',
    })),
  );

  it('has no accessibility violations while following 2,000 files', async () => {
    const { el } = await following(first);
    await expectAccessible(el);
  });

  it('shows the right counts and rows after each of many updates, on screen and after scrolling', async () => {
    const { el, client } = await following(first);
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const statuses = ['processing', 'completed', 'failed', 'pending'] as const;
    let batch = first;
    let top = 0;
    for (let round = 0; round < 40; round++) {
      // Files around the top of the list change (their rows are on screen), and some anywhere;
      // file 0 stays pending so the batch goes on.
      const picks: Array<[number, FileStatus]> = Array.from({ length: 1 + Math.floor(random() * 60) }, () => {
        const near = random() < 0.7;
        const index = near ? Math.min(FILES - 1, top + Math.floor(random() * 30)) : Math.floor(random() * FILES);
        return [Math.max(1, index), statuses[Math.floor(random() * statuses.length)]!];
      });
      const next = step(batch, picks);
      batch = next.batch;
      client.update(batch, next.changed);
      await settle(el);
      expectShows(el, batch, `after update ${round + 1}`);
      if (round % 5 === 4) {
        top = Math.floor(random() * (FILES - 10));
        await scrollTo(el, top);
        expectShows(el, batch, `after scrolling to file ${top + 1}`);
      }
    }
  });

  it('keeps the window right when the row height changes', async () => {
    const { el } = await following(first);
    const before = parts(el, 'file-row')[0]!.offsetHeight;
    el.style.setProperty('--batch-row-height', '5rem');
    await until(() => parts(el, 'file-row')[0]!.offsetHeight !== before, 'taller rows');
    await settle(el);
    await scrollTo(el, 1_500);
    const view = part(el, 'file-list')!.getBoundingClientRect();
    const rows = parts(el, 'file-row').map((row) => ({ at: Number(row.getAttribute('aria-rowindex')), box: row.getBoundingClientRect() }));
    ok(rows[0]!.box.top <= view.top && rows.at(-1)!.box.bottom >= view.bottom, 'the rendered rows cover the whole view');
    const shown = rows.filter(({ box }) => box.bottom > view.top && box.top < view.bottom).map(({ at }) => at);
    ok(shown.includes(1_501) && shown.every((at) => Math.abs(at - 1_501) < 10), `file 1,501 is in view (${shown.join(', ')})`);
    expectShows(el, first, 'with taller rows');
  });
});
