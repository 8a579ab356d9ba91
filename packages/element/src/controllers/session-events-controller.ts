import type { ReactiveControllerHost } from 'lit';
import { isAbortError, selectAttention, selectCounts, selectOutcome, selectProgress, type BatchSession, type SessionPhase } from '@batch-uploader/sdk';
import { describeError, emit } from '../events.js';
import { crossedMilestone } from '../milestones.js';
import type { BatchUploaderStrings } from '../strings.js';
import type { AnnouncerController } from './announcer-controller.js';
import type { LazyHistory } from './lazy-history.js';
import type { ToastController } from './toast-controller.js';

/** Files named one by one in the final announcement; the rest are counted ("and 7 more"). */
const NAMED = 3;

/** What {@link SessionEventsController} needs from its host. */
export interface SessionEventsOptions {
  /** The texts in force. */
  strings(): BatchUploaderStrings;
  /** The completion notice. */
  toast: ToastController;
  /** The live region. */
  announcer: AnnouncerController;
  /** The recent batches, loaded again when a batch finished (when shown). */
  history: LazyHistory;
  showHistory(): boolean;
}

/**
 * The SDK's events as the element's: each SDK event becomes its DOM event (bubbling and
 * composed, typed in `GlobalEventHandlersEventMap`), with data in the detail — counts and
 * codes; the one text, `batch-complete`'s `summary` (and `batch-error`'s `message`), is
 * the element's `strings`. Also what is said about them — through the announcer (the
 * polite live region): files added, refused and removed, pause and resume, upload
 * complete, progress at 25/50/75 % (throttled), retry, reconnecting and reconnected, an
 * upload a reload interrupted, and at the end the outcome with
 * the failed files and those not sent by name — and the completion notice.
 *
 * | SDK event | DOM event |
 * | --- | --- |
 * | `files-added` | `batch-files-added` (when some were accepted) |
 * | `files-rejected` | `batch-files-rejected` |
 * | `batch-created` | `batch-created` |
 * | `progress` | `batch-progress` |
 * | `batch-paused` / `batch-resumed` | `batch-paused` / `batch-resumed` |
 * | `batch-retried` | `batch-retried` |
 * | `batch-finished` | `batch-complete` |
 * | `upload-failed`, `error` | `batch-error` |
 */
export class SessionEventsController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: SessionEventsOptions;
  /** The last progress told, for milestone announcements. */
  #phase: SessionPhase = 'idle';
  #percent = 0;

  constructor(host: ReactiveControllerHost & HTMLElement, options: SessionEventsOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Relays `session`'s events (and loads the history, when shown); returns the functions that stop it. */
  listen(session: BatchSession): Array<() => void> {
    const host = this.#host;
    const t = () => this.#options.strings();
    const state = session.getState();
    this.#phase = state.phase;
    this.#percent = selectProgress(state).percent;
    if (this.#options.showHistory()) this.#options.history.load(session.client);
    return [
      session.on('files-added', ({ files, rejected }) => {
        if (files.length > 0) emit(host, 'batch-files-added', { files });
        this.#announce(t().added(files.length, rejected.length));
      }),
      session.on('files-removed', ({ files, rejected }) => {
        const gone = [...files, ...rejected];
        this.#announce(t().removedFiles(gone.length, gone[0]?.name ?? ''));
      }),
      session.on('files-rejected', ({ rejected, afterCheck }) => {
        emit(host, 'batch-files-rejected', { rejected });
        if (afterCheck) this.#announce(t().removedAfterCheck(rejected.length));
      }),
      session.on('batch-created', (detail) => emit(host, 'batch-created', detail)),
      session.on('progress', (detail) => {
        emit(host, 'batch-progress', detail);
        const { phase, percent, counts } = detail;
        if (phase === this.#phase && crossedMilestone(this.#percent, percent)) {
          this.#options.announcer.progress(phase === 'uploading' ? t().uploading(percent) : t().milestone(counts.finished, counts.total));
        }
        this.#phase = phase;
        this.#percent = percent;
      }),
      session.on('batch-paused', (detail) => {
        emit(host, 'batch-paused', detail);
        this.#announce(t().pausedNotice);
      }),
      session.on('batch-resumed', (detail) => {
        emit(host, 'batch-resumed', detail);
        this.#announce(t().resumedNotice);
      }),
      session.on('upload-completed', () => this.#announce(t().uploaded(selectCounts(session.getState()).total))),
      session.on('connection', ({ connection }) => this.#announce(connection === 'reconnecting' ? t().reconnecting : t().reconnected)),
      session.on('upload-interrupted', ({ received, expected }) => this.#announce(t().interrupted(expected - received, expected))),
      session.on('upload-failed', ({ error }) => this.fail(error)),
      session.on('error', ({ error }) => this.fail(error)),
      session.on('file-reviewed', ({ file, decision }) => {
        // The notice and the history told of the file to review: they would say so still.
        this.#options.toast.hide();
        if (this.#options.showHistory()) this.#options.history.load(session.client);
        // With the decision, the batch's closing line as it now stands (a rejected document is not filed here).
        const state = session.getState();
        const outcome = selectOutcome(state);
        const closing = outcome ? ` ${t().finished(t().summary({ ...selectCounts(state), notSent: state.rejected.length }), t().outcome[outcome])}.` : '';
        if (decision) this.#announce(`${t().reviewed(file.name, decision)}${closing}`);
      }),
      session.on('batch-retried', (detail) => {
        emit(host, 'batch-retried', detail);
        this.#options.toast.hide();
        this.#announce(t().retrying(detail.retried));
      }),
      session.on('batch-finished', ({ batchId, status, outcome, counts, notSent }) => {
        const summary = t().summary({ ...counts, notSent });
        emit(host, 'batch-complete', { batchId, status, outcome, counts, notSent, summary });
        const text = t().finished(summary, t().outcome[outcome]);
        this.#options.toast.show(text, outcome);
        const attention = selectAttention(session.getState());
        const named = (list: ReadonlyArray<{ name: string }>, say: (names: string[], more: number) => string) =>
          list.length > 0
            ? ` ${say(
                list.slice(0, NAMED).map((f) => f.name),
                Math.max(0, list.length - NAMED),
              )}`
            : '';
        this.#announce(
          `${text}.${named(attention.needsReview, t().reviewFiles)}${named(attention.failed, t().failedFiles)}${named(attention.notSent, t().notSentFiles)}`,
        );
        if (this.#options.showHistory()) this.#options.history.load(session.client);
      }),
    ];
  }

  /** Tells of a failure as `batch-error` (an abort is no failure). */
  fail(error: unknown): void {
    if (isAbortError(error)) return;
    const { code, message } = describeError(error);
    emit(this.#host, 'batch-error', { code, message: this.#options.strings().error(code, message), error });
  }

  #announce(text: string): void {
    this.#options.announcer.say(text);
  }
}
