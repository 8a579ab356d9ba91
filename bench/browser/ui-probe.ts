/**
 * Runs in the benchmark page, beside the element's self-contained bundle (served by the
 * demo server), and times what a user waits for. Bundled by bench/lib/browser.ts; the
 * Node side calls `window.uiProbe`. It uses only the element's public surface
 * (attributes, `addFiles`, `session`, the rendered shadow DOM).
 */
import type { BatchUploader } from '@batch-uploader/element';
import { waitFor } from '@batch-uploader/test-support/wait';

/** Timings of one hand-over of files, in ms from the `addFiles` call. */
export interface AddTiming {
  /** Until the frame after the session's state update (the files are queued) was painted. */
  addedMs: number;
  /** Until the first frame with rows in the shadow DOM was painted (queued, or `checking` while the session decides on them). */
  listedMs: number;
  /** The longest task the main thread ran until `addedMs` (0: none of 50 ms or more). */
  longestTaskMs: number;
  /** Until the session had checked the content of every file (`session.whenChecked()`), in the background after `addedMs`. */
  checkedMs: number;
  /** The longest task the main thread ran after `addedMs` until `checkedMs` (0: none of 50 ms or more). */
  checkLongestTaskMs: number;
  /** Rows in the shadow DOM in the end (the list is windowed). */
  rows: number;
}

/** The same files' first bytes read by bare code, the way the SDK reads them. */
export interface HeadReadTiming {
  /** From the first read to the last byte, in ms. */
  readMs: number;
}

/** Timings of status updates, in ms, one entry per update. */
export interface StatusTimings {
  /** Time to receive, apply and render each update, the wait for the next frame left out (see {@link measureStatusUpdate}). */
  updateMs: number[];
  /** Of `updateMs`, the frame's share: the element's render, style, layout and paint. */
  renderMs: number[];
  /** From asking for the event to the frame that shows it painted, the wait for that frame included. */
  wallMs: number[];
  /** `JSON.parse` of the same snapshot alone: the floor any whole-snapshot update pays. */
  parseMs: number[];
  /**
   * From asking for an event of the same size to its last byte in a bare `fetch` reader of
   * the same page, with no SDK and no element: the share of `updateMs` that is the
   * browser's network stack and the server, not the product (see {@link measureTransport}).
   */
  transportMs: number[];
  /** Size of each snapshot event. */
  eventBytes: number;
}

/** The status updates to time, of the batch the stream server plays (bench/lib/status-stream-server.ts). */
export interface StatusPlan {
  batchId: string;
  /** Files in the batch. */
  files: number;
  /** Updates timed, after `warmUp` ones that are not. */
  updates: number;
  warmUp: number;
}

declare global {
  interface Window {
    uiProbe?: { measureAdd: typeof measureAdd; measureHeadReads: typeof measureHeadReads; measureStatus: typeof measureStatus };
  }
}

const ENDPOINT = '/api/gp';

/**
 * Hands `count` File objects to a fresh `<batch-uploader max-files=count>` and waits
 * until the list shows them as added (queued, ready to send), then until the session
 * has checked their content in the background. The files are made first (what the file
 * picker or a drop does before the page sees them); the time starts at the `addFiles` call.
 */
async function measureAdd(count: number): Promise<AddTiming> {
  const el = await mount({ 'max-files': String(count) });
  const files = makeFiles(count);
  await nextTask(); // Making the files was a long task of its own: not counted.
  const tasks: Array<{ start: number; duration: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ type: 'longtask' });

  const started = performance.now();
  const listed = firstPaintWith(() => rows(el).length > 0);
  const added = new Promise<number>((resolve) => {
    const stop = el.session.subscribe((state) => {
      if (state.files.length === 0) return;
      stop();
      // Registered after the element's own subscription: this frame callback runs after
      // the element rendered, and the message after the frame was painted.
      requestAnimationFrame(() => afterPaint(resolve));
    });
  });
  const adding = el.addFiles(files);
  const addedAt = await added;
  await adding;
  const listedAt = await listed;
  const shown = rows(el);
  if (shown.length === 0 || !shown[0]!.classList.contains('queued')) throw new Error('the list does not show the added files as queued');
  await el.session.whenChecked();
  const checkedAt = performance.now();
  await nextTask(); // Lets the observer report the last task.
  observer.disconnect();

  const state = el.session.getState();
  if (state.files.length !== count) throw new Error(`the session kept ${state.files.length} of ${count} files (rejected: ${state.rejected.length})`);
  // A task belongs to the span it ran in: the add's own task began before `started` was read.
  const longest = (from: number, to: number) => Math.max(0, ...tasks.filter((t) => t.start + t.duration > from && t.start < to).map((t) => t.duration));
  el.remove();
  return {
    addedMs: addedAt - started,
    listedMs: listedAt - started,
    longestTaskMs: longest(started, addedAt),
    checkedMs: checkedAt - started,
    checkLongestTaskMs: longest(addedAt, checkedAt),
    rows: shown.length,
  };
}

/**
 * The baseline of the background check of {@link measureAdd}, with no element: reads the
 * first 16 bytes of each of `count` such files, 64 reads at a time, each a
 * `slice(0, 16).arrayBuffer()` — what any check of the files' content must do at least,
 * and what the SDK does.
 */
async function measureHeadReads(count: number): Promise<HeadReadTiming> {
  const files = makeFiles(count);
  await nextTask();
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  const reader = async () => {
    while (next < files.length) {
      const head = await files[next++]!.slice(0, 16).arrayBuffer();
      bytes += head.byteLength;
    }
  };
  await Promise.all(Array.from({ length: 64 }, reader));
  const readMs = performance.now() - started;
  if (bytes !== count * 16) throw new Error(`read ${bytes} bytes of ${count} files`);
  return { readMs };
}

/** Small valid-looking PDFs, made before any timing starts (as a picker or a drop hands them over). */
function makeFiles(count: number): File[] {
  const head = new TextEncoder().encode('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
  return Array.from({ length: count }, (_, i) => new File([head], `scan-${i + 1}.pdf`, { type: 'application/pdf', lastModified: 1_700_000_000_000 + i }));
}

/**
 * Shows a processing batch of `plan.files` files in a fresh element (attached as after a
 * reload), then has the stream server send `plan.updates` (after `plan.warmUp`) status
 * updates, each an event in which 100 more files finished (a `changes` event, as the SDK
 * asks for them). Before each update the list is scrolled to the files it changes, so
 * their rows are on screen. Everything between the socket and the screen is the
 * product's: the SDK's client reads and parses the stream, the session merges the
 * changes into its state, and the element renders it. Then, with the element gone, the
 * same number of events goes to a bare reader ({@link measureTransport}).
 */
async function measureStatus(plan: StatusPlan): Promise<StatusTimings> {
  const el = await mount({ 'max-files': String(plan.files) });
  await el.session.attach(plan.batchId);
  await until(() => el.session.getState().channel === 'sse' && rows(el).length > 0, 'the element to follow the batch live');
  const list = el.shadowRoot!.querySelector<HTMLElement>('[part~="file-list"]')!;
  const rowHeight = rows(el)[0]!.offsetHeight;

  const timings: StatusTimings = { updateMs: [], renderMs: [], wallMs: [], parseMs: [], transportMs: [], eventBytes: 0 };
  for (let update = 0; update < plan.warmUp + plan.updates; update++) {
    const { first, bytes } = (await (await post('/bench/prepare')).json()) as { first: number; bytes: number };
    list.scrollTop = first * rowHeight;
    await frames(2);
    await el.updateComplete;
    await nextTask();

    const { update: took, render, wall } = await measureStatusUpdate(el, () => post('/bench/push'), first);
    const json = await (await fetch('/bench/snapshot')).text();
    const parseStarted = performance.now();
    JSON.parse(json);
    const parse = performance.now() - parseStarted;
    if (update < plan.warmUp) continue;
    timings.updateMs.push(took);
    timings.renderMs.push(render);
    timings.wallMs.push(wall);
    timings.parseMs.push(parse);
    timings.eventBytes = bytes;
  }
  el.remove();
  timings.transportMs = await measureTransport(plan);
  return timings;
}

/**
 * The floor under {@link measureStatusUpdate}: the same request to push an event, timed to
 * the moment the event's last byte reaches a bare `fetch` reader of the batch's event
 * stream (the way the SDK reads it, without parsing or applying anything). The stream
 * server keeps one stream, so this runs after the element left the page; the events are
 * the next ones of the same batch, of the same size.
 */
async function measureTransport(plan: StatusPlan): Promise<number[]> {
  const controller = new AbortController();
  const response = await fetch(`${ENDPOINT}/batch-events/${plan.batchId}?changes=1`, { signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let events = 0;
  // Told of every finished event while an update is being timed.
  const listener: { onEvent: (() => void) | null } = { onEvent: null };
  const reading = (async () => {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      // Only the end of an event matters (JSON data holds no blank line): keep the unfinished tail.
      text += decoder.decode(chunk.value, { stream: true });
      const ends = text.split('\n\n');
      text = ends.pop()!;
      events += ends.length;
      if (ends.length > 0) listener.onEvent?.();
    }
  })().catch(() => {});
  await until(() => events > 0, 'the first event of a bare stream');

  const times: number[] = [];
  try {
    for (let update = 0; update < plan.warmUp + plan.updates; update++) {
      await post('/bench/prepare');
      await frames(2);
      await nextTask();
      const seen = events;
      const arrived = new Promise<number>((resolve) => {
        listener.onEvent = () => {
          if (events > seen) resolve(performance.now());
        };
      });
      const started = performance.now();
      await post('/bench/push');
      const took = (await arrived) - started;
      listener.onEvent = null;
      if (update >= plan.warmUp) times.push(took);
    }
  } finally {
    controller.abort();
    await reading;
  }
  return times;
}

/**
 * Times one update: from asking the server to send the event (a loopback round trip
 * before its bytes arrive; counted) to the frame that shows it, painted.
 * `update` leaves out the wait for that frame (the session hands the element one state
 * per animation frame, so an update waits up to one frame interval for its turn, however
 * fast the code): it is the time until the session's state changed, plus the time from
 * the frame's start (or the state change, if later) to the end of its paint; `wall`
 * keeps the wait.
 */
function measureStatusUpdate(el: BatchUploader, send: () => Promise<unknown>, first: number): Promise<{ update: number; render: number; wall: number }> {
  return new Promise((resolve, reject) => {
    let started = 0;
    let applied = 0;
    const stop = el.session.subscribe(() => {
      stop();
      // Runs when the SDK's synchronous work for this snapshot (merge, state, events) is done.
      queueMicrotask(() => {
        applied = performance.now();
        requestAnimationFrame((frameStart) => {
          const row = el.shadowRoot!.querySelector(`[part~="file-row"][aria-posinset="${first + 1}"]`);
          if (!row || !(row.classList.contains('completed') || row.classList.contains('failed'))) {
            reject(new Error(`the frame after the update does not show file ${first + 1} as finished`));
            return;
          }
          afterPaint((painted) => {
            const render = painted - Math.max(frameStart, applied);
            resolve({ update: applied - started + render, render, wall: painted - started });
          });
        });
      });
    });
    started = performance.now();
    send().catch((error: unknown) => {
      stop();
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

async function post(path: string): Promise<Response> {
  const response = await fetch(path, { method: 'POST' });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

async function mount(attributes: Record<string, string>): Promise<BatchUploader> {
  await customElements.whenDefined('batch-uploader');
  sessionStorage.clear(); // No batch of an earlier run to pick up again.
  const el = document.createElement('batch-uploader') as BatchUploader;
  el.setAttribute('endpoint', ENDPOINT);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  document.body.append(el);
  await el.updateComplete;
  await frames(2);
  return el;
}

function rows(el: BatchUploader): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="file-row"]')];
}

/** Resolves with the time the first frame in which `check()` held was painted. */
function firstPaintWith(check: () => boolean): Promise<number> {
  return new Promise((resolve) => {
    const frame = () => (check() ? afterPaint(resolve) : requestAnimationFrame(frame));
    requestAnimationFrame(frame);
  });
}

/**
 * Called from a frame callback: `done(time)` runs once that frame's style, layout and
 * paint are done (a message posted in a frame callback is delivered after the frame).
 */
function afterPaint(done: (time: number) => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => done(performance.now());
  channel.port2.postMessage(null);
}

function frames(count: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(count);
  });
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(check, { timeoutMs, everyMs: 20, what });
}

window.uiProbe = { measureAdd, measureHeadReads, measureStatus };
