import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import {
  isAbortError,
  selectCanPause,
  selectCanResume,
  selectCanRetry,
  selectCanStart,
  selectCounts,
  type AuthToken,
  type BatchClient,
  type BatchSession,
} from '@batch-uploader/sdk';
import { DEFAULT_LIMITS, type ReviewDecision } from '@batch-uploader/protocol';
import { AnnouncerController } from '../controllers/announcer-controller.js';
import { DropZoneController } from '../controllers/drop-zone-controller.js';
import { FocusController } from '../controllers/focus-controller.js';
import { GridController } from '../controllers/grid-controller.js';
import { LazyHistory } from '../controllers/lazy-history.js';
import { LeaveWarningController } from '../controllers/leave-warning-controller.js';
import { OutcomeController } from '../controllers/outcome-controller.js';
import { PatientIdController } from '../controllers/patient-id-controller.js';
import { SessionController } from '../controllers/session-controller.js';
import { SessionEventsController } from '../controllers/session-events-controller.js';
import { ToastController } from '../controllers/toast-controller.js';
import { ThumbnailController } from '../controllers/thumbnail-controller.js';
import { WindowController } from '../controllers/window-controller.js';
import { describeError } from '../events.js';
import { parseSize } from '../format.js';
import { resolveStrings, type BatchUploaderStringOverrides, type BatchUploaderStrings } from '../strings.js';
import { actions } from '../views/actions.js';
import { batchContext } from '../views/batch-context.js';
import { interrupted, reconnecting } from '../views/connection.js';
import connectionStyles from '../views/connection.styles.js';
import { dropZone } from '../views/drop-zone.js';
import { fileList } from '../views/file-list.js';
import fileListStyles from '../views/file-list.styles.js';
import { icon } from '../views/icons.js';
import { outcome } from '../views/outcome.js';
import outcomeStyles from '../views/outcome.styles.js';
import { patientField } from '../views/patient-field.js';
import { progressArea } from '../views/progress-area.js';
import progressStyles from '../views/progress.styles.js';
import { DismissedRefusals, rejections } from '../views/rejections.js';
import { toast } from '../views/toast.js';
import styles from './batch-uploader.styles.js';
import { attributeLimits, createOwnSession } from './own-session.js';

/** Settings the element's own session is made from; a change makes a new one. */
const SESSION_SETTINGS = ['client', 'endpoint', 'id', 'pollInterval', 'maxFiles', 'maxFileSize', 'accept', 'headers', 'credentials'] as const;

/**
 * @summary Upload up to 50 medical documents at once and follow each one through
 * server-side processing, live. Renders a `BatchSession` of `@batch-uploader/sdk`; talks
 * to the server only through it.
 *
 * @event {CustomEvent<BatchFilesAddedDetail>} batch-files-added - Files were accepted. `detail: { files }`
 * @event {CustomEvent<BatchFilesRejectedDetail>} batch-files-rejected - Files were refused when added, or left the list when the check of their content failed. `detail: { rejected }` (each with `code`, `message`)
 * @event {CustomEvent<BatchCreatedDetail>} batch-created - The server accepted the upload. `detail: { batchId, totalFiles }`
 * @event {CustomEvent<BatchProgressDetail>} batch-progress - Upload or processing moved on. `detail: { batchId, phase, percent, counts }`
 * @event {CustomEvent<BatchPausedDetail>} batch-paused - The batch was paused (here or elsewhere): files not started wait. `detail: { batchId }`
 * @event {CustomEvent<BatchResumedDetail>} batch-resumed - The paused batch runs again. `detail: { batchId }`
 * @event {CustomEvent<BatchRetriedDetail>} batch-retried - The server put the failed files back in the queue; the batch runs again. `detail: { batchId, retried, notRetryable }`
 * @event {CustomEvent<BatchCompleteDetail>} batch-complete - The batch finished. `detail: { batchId, status, outcome, counts, notSent, summary }`: `outcome` is `succeeded`, `partial`, `failed` or `cancelled`; `notSent` counts the files refused before sending (not in `counts`); `summary` is the `strings.summary` of both (may repeat after a reload; de-duplicate by `batchId`)
 * @event {CustomEvent<BatchErrorDetail>} batch-error - The upload failed, live updates stopped, or the batch kept from before a reload is gone. `detail: { code, message, error }`: branch on `code`; `message` is `strings.error(code, …)`
 *
 * @csspart base - The box around everything: a region named by the heading.
 * @csspart heading - The element's heading ("Upload documents"; its level: `heading-level`).
 * @csspart drop-zone - The drop zone: a button that opens the file picker.
 * @csspart hint - The limits under the drop zone text.
 * @csspart folder-button - Opens the folder picker (all files of a folder and its subfolders).
 * @csspart checking - "Checking 10000 files…" while the session decides on added files (the server's limits not yet known, or files without a declared type being read).
 * @csspart messages - Why files were not added.
 * @csspart dismiss-button - Hides those messages.
 * @csspart field - The Patient ID field (label, input, error).
 * @csspart patient-input - The Patient ID input.
 * @csspart field-error - The Patient ID's error text.
 * @csspart error - The banner for an upload or live-update error.
 * @csspart connection - "Reconnecting…" while the server cannot be reached during a batch, with Reconnect now (`reconnect-button`); it sticks to the window's top edge while the element is in sight.
 * @csspart interrupted - After a reload cut an upload short: "Upload interrupted: 2 of 9 files were not sent", with `add-missing-button` (a file picker) and `finish-without-button`.
 * @csspart outcome - When a batch finished: its summary heading and, when files failed or were not sent, the "Needs attention" group (`id="outcome"`; takes focus from script).
 * @csspart summary - The outcome heading: icon, colour and words ("Some files need attention: 47 succeeded, 3 failed").
 * @csspart attention - The "Needs attention (N)" group: first the files held for review (a document naming another patient, with Confirm and Reject), then the failed files and those not sent, and Retry failed.
 * @csspart attention-list - A list of that group (failed files; files not sent).
 * @csspart attention-item - A file in it.
 * @csspart attention-name - Its name.
 * @csspart attention-reason - Why it failed or was not sent.
 * @csspart attention-advice - What to do about it.
 * @csspart attention-more-button - Shows the rest of a long list.
 * @csspart progress-area - Progress bar, its label, the steps and the status cards (takes focus from script after Start and Retry failed).
 * @csspart steps - The two steps of a batch: uploading, then processing.
 * @csspart progress - The overall progress bar (completed, failed and cancelled shares over the share sent).
 * @csspart paused - "Paused", with its icon, while the batch is paused.
 * @csspart status-cards - The list of status cards.
 * @csspart status-card - Each status card (also `status-card-uploading`, `-pending`, `-processing`, `-completed`, `-failed`, `-cancelled`).
 * @csspart status-card-uploading - The Uploading card. Also has the part `status-card`.
 * @csspart status-card-pending - The Pending card. Also has the part `status-card`.
 * @csspart status-card-processing - The Processing card. Also has the part `status-card`.
 * @csspart status-card-completed - The Completed card. Also has the part `status-card`.
 * @csspart status-card-failed - The Failed card. Also has the part `status-card`.
 * @csspart status-card-cancelled - The Cancelled card. Also has the part `status-card`.
 * @csspart file-list - The list of files: a windowed grid with one Tab stop (arrow keys, Page Up/Down, Home/End).
 * @csspart file-row - One file (a row of the grid; as tall as its content, at least `--batch-row-height`).
 * @csspart file-status - A file's status icon and text.
 * @csspart file-name - A file's name (shortened in the middle when it does not fit: its end and extension stay).
 * @csspart file-thumbnail - An image file's small preview (a canvas), in place of its type icon (not for PDFs, nor after a reload).
 * @csspart file-size - A file's size.
 * @csspart file-progress - A file's upload progress.
 * @csspart file-error - Why a file failed, as the server said (in full, wrapped).
 * @csspart remove-button - Removes a file before the upload.
 * @csspart actions - The row of buttons.
 * @csspart button - Every action button (also `start-button`, `clear-button`, `pause-button`, `resume-button`, `cancel-button`, `retry-button`, `reset-button`, `reconnect-button`, `add-missing-button`, `finish-without-button`, `review-confirm-button`, `review-reject-button`). A button that needs the server has `aria-disabled="true"` while reconnecting.
 * @csspart start-button - Start Batch Upload. Also has the part `button`.
 * @csspart clear-button - Clear all (before the upload). Also has the part `button`.
 * @csspart pause-button - Pause the batch. Also has the part `button`.
 * @csspart resume-button - Resume the paused batch. Also has the part `button`.
 * @csspart cancel-button - Cancel the upload or the batch. Also has the part `button`.
 * @csspart retry-button - Retry failed, in the outcome. Also has the part `button`.
 * @csspart reset-button - Upload another batch, at the end. Also has the part `button`.
 * @csspart reconnect-button - Reconnect now, in the connection notice. Also has the part `button`.
 * @csspart add-missing-button - Add the missing files, after a reload cut an upload short. Also has the part `button`.
 * @csspart finish-without-button - Finish without them, beside it. Also has the part `button`.
 * @csspart review-confirm-button - Confirms a file held for review (it belongs to this patient). Also has the part `button`.
 * @csspart review-reject-button - Rejects a file held for review (not to be filed). Also has the part `button`.
 * @csspart batch-context - In the progress header (and history): the `batch-label`, or the patient ID masked to its last 4 characters ("Patient ••••1234").
 * @csspart history - The recent-batches panel.
 * @csspart history-row - A batch of the history: a button that opens it (outcome, patient ID masked, date and time, counts).
 * @csspart history-detail - A batch opened from the history, in place of the list (focus moves to its heading).
 * @csspart history-summary - Its outcome in words, with icon and colour.
 * @csspart history-files - Its files, each with status, reason and what to do.
 * @csspart history-retry-button - Retries its failed files that may pass on another try.
 * @csspart back-button - Back to the recent batches (focus returns to the batch's row).
 * @csspart refresh-button - Reloads the history.
 * @csspart more-button - Loads older batches into the history.
 * @csspart toast - The completion notice: in its place after the batch's buttons, before the history. When the outcome was out of sight as the batch ended, it sticks to the window's bottom edge while its place is below the window, over the element's own file rows (never over its history or the page around the element); class `in-place` when it does not.
 * @csspart live-region - The visually hidden region that announces milestones.
 *
 * @cssproperty [--batch-font=system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif] - Font family.
 * @cssproperty [--batch-radius=8px] - Corner radius.
 * @cssproperty [--batch-spacing=1rem] - Padding and main gaps.
 * @cssproperty [--batch-color-text=light-dark(#1f2937, #e5e7eb)] - Text.
 * @cssproperty [--batch-color-muted=light-dark(#4b5563, #9ca3af)] - Secondary text.
 * @cssproperty [--batch-color-background=light-dark(#fff, #111827)] - Background of the element.
 * @cssproperty [--batch-color-surface=light-dark(#f3f4f6, #1f2937)] - Background of the drop zone, cards and messages.
 * @cssproperty [--batch-color-border=light-dark(#9ca3af, #6b7280)] - Borders.
 * @cssproperty [--batch-color-accent=light-dark(#1d4ed8, #93c5fd)] - Primary button, progress bar, drag feedback.
 * @cssproperty [--batch-color-on-accent=light-dark(#fff, #111827)] - Text on the accent colour.
 * @cssproperty [--batch-color-focus=light-dark(#2563eb, #93c5fd)] - Focus ring.
 * @cssproperty [--batch-color-pending=light-dark(#a16207, #facc15)] - Pending status (yellow).
 * @cssproperty [--batch-color-processing=light-dark(#1d4ed8, #60a5fa)] - Processing status (blue).
 * @cssproperty [--batch-color-completed=light-dark(#15803d, #4ade80)] - Completed status (green).
 * @cssproperty [--batch-color-failed=light-dark(#b91c1c, #f87171)] - Failed status and errors (red).
 * @cssproperty [--batch-color-cancelled=light-dark(#4b5563, #9ca3af)] - Cancelled status (grey).
 * @cssproperty [--batch-color-warning=light-dark(#b45309, #fbbf24)] - A batch whose files need attention, files not sent (amber).
 * @cssproperty [--batch-row-height=3.25rem] - Least height of a file row (taller when its content needs it).
 * @cssproperty [--batch-list-height=20rem] - Most height of the file list before it scrolls.
 */
export class BatchUploader extends LitElement {
  static override styles = [styles, fileListStyles, progressStyles, outcomeStyles, connectionStyles];

  // Declared here rather than with decorators: the same for Lit, and smaller in the bundle.
  static override properties: PropertyDeclarations = {
    endpoint: {},
    credentials: {},
    patientId: { attribute: 'patient-id' },
    batchLabel: { attribute: 'batch-label' },
    patientField: { attribute: 'patient-field' },
    templateId: { attribute: 'template-id' },
    encounterId: { attribute: 'encounter-id' },
    maxFiles: { attribute: 'max-files', type: Number },
    maxFileSize: { attribute: 'max-file-size', converter: { fromAttribute: parseSize } },
    accept: {},
    capture: {},
    pollInterval: { attribute: 'poll-interval', type: Number },
    showHistory: { attribute: 'show-history', type: Boolean },
    headingLevel: { attribute: 'heading-level', type: Number },
    headers: { attribute: false },
    getAuthToken: { attribute: false },
    client: { attribute: false },
    strings: { attribute: false },
    session: { attribute: false, noAccessor: true },
  };

  readonly #sessions = new SessionController(this, {
    external: () => this.#external,
    create: () => createOwnSession(this),
    config: () => SESSION_SETTINGS.map((name) => this[name]),
    listen: (session) => this.#events.listen(session),
  });
  readonly #drop = new DropZoneController(this, (files) => void this.addFiles(files));
  readonly #window = new WindowController(this);
  readonly #thumbnails = new ThumbnailController(this, () => this.#sessions.state.files);
  // Before the focus controller: focus lost in the list goes back into the list.
  readonly #grid = new GridController(this, {
    items: () => this.#sessions.state.files,
    removable: () => this.#sessions.state.phase === 'idle',
    window: this.#window,
    remove: (id) => this.session.removeFile(id),
  });
  readonly #focus = new FocusController(this, () => this.#sessions.state.phase);
  // After the focus controller: the end's focus (on the outcome) has scrolled it into sight when the notice is placed.
  readonly #toast = new ToastController(this, undefined, () => {
    // Its heading in the window is enough: a long list of files that need attention may run below it.
    const box = this.shadowRoot?.querySelector('#outcome')?.getBoundingClientRect();
    return box ? box.top >= 0 && box.top < document.documentElement.clientHeight - 40 : null;
  });
  readonly #announcer = new AnnouncerController(this);
  readonly #outcome = new OutcomeController(this);
  readonly #leaveWarning = new LeaveWarningController(this, () => this.#sessions.state);
  readonly #refusals = new DismissedRefusals(this);
  readonly #history = new LazyHistory(this, {
    announce: (text) => this.#announcer.say(text),
    strings: () => this.#t,
    retryInSession: (id) => (this.session.getState().batchId === id && selectCanRetry(this.session.getState()) ? this.retryFailed() : null),
  });
  readonly #patient = new PatientIdController(this, () => this.#t);
  readonly #events = new SessionEventsController(this, {
    strings: () => this.#t,
    toast: this.#toast,
    announcer: this.#announcer,
    history: this.#history,
    showHistory: () => this.showHistory,
  });

  /** Base URL of the batch API (where the server's router is mounted). */
  endpoint = '/api/gp';
  /**
   * Whether requests carry the browser's cookies: `include` for a server on another
   * origin that authenticates by session cookie (it must allow this page's origin with
   * credentials), `same-origin` or `omit`.
   */
  credentials: RequestCredentials = 'same-origin';
  /** Patient ID sent with the batch; fills the Patient ID field. Never stored by the element. */
  patientId = '';
  /**
   * What the progress header calls the batch ("Referral letters, ward 3"), instead of the
   * patient ID masked to its last 4 characters. Shown only: not sent to the server.
   */
  batchLabel = '';
  /** The Patient ID field: `hidden`, `optional` or `required`. */
  patientField: 'hidden' | 'optional' | 'required' = 'optional';
  /** Template ID sent with the batch (the document template the host processes with). */
  templateId = '';
  /** Encounter (visit) ID sent with the batch. */
  encounterId = '';
  /** Most files in one batch, checked before the upload (the server checks again). The server's limit when unset. */
  maxFiles: number | null = null;
  /** Largest file, in bytes or with a unit (`50MB`, `500KB`). The server's limit when unset. */
  maxFileSize: number | string | null = null;
  /** Accepted types in the `<input accept>` syntax (`application/pdf,image/*`), within PDF, PNG, JPEG, TIFF and WebP. The server's when unset. */
  accept = '';
  /**
   * The file picker's `capture`: `environment` (the back camera) or `user` (the front one)
   * opens a phone's camera to photograph a document; other devices ignore it. Unset: the
   * usual picker.
   */
  capture = '';
  /** Milliseconds between status polls when live events are not available. The SDK's 2000 when unset. */
  pollInterval: number | null = null;
  /** Shows the workspace's recent batches. */
  showHistory = false;
  /** Level of the element's heading (1–6); its sections' headings are one below. */
  headingLevel = 2;
  /** Extra headers sent with every request (not with an SDK `client` or `session` of the host's). */
  headers: Record<string, string> = {};
  /** Returns the bearer token to send; called before every request, so it may refresh. */
  getAuthToken: (() => AuthToken | Promise<AuthToken>) | null = null;
  /** An SDK `BatchClient` made by host code, for the element's own session (instead of `endpoint`, `headers`, `getAuthToken`, `poll-interval`). */
  client: BatchClient | null = null;
  /** Texts to replace (i18n); the others stay English. See `BatchUploaderStrings`. */
  strings: BatchUploaderStringOverrides | null = null;

  /**
   * The SDK session the element renders. Set a `BatchSession` made by host code to share
   * it (the element neither disposes nor suspends it); read it to reach the one the
   * element made (e.g. `el.session.on('file-status', …)`).
   */
  get session(): BatchSession {
    return this.#sessions.session;
  }
  set session(session: BatchSession | null) {
    const old = this.#external;
    this.#external = session ?? null;
    this.requestUpdate('session', old);
  }

  // View-local state; everything else is the session's.
  #external: BatchSession | null = null;
  #t: BatchUploaderStrings = resolveStrings(null);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session') || SESSION_SETTINGS.some((name) => changed.has(name))) this.#sessions.refresh();
    if (changed.has('strings')) this.#t = resolveStrings(this.strings);
    // On the first update the session's binding has just loaded it.
    if (changed.has('showHistory') && this.showHistory && this.hasUpdated) this.#history.load(this.session.client);
  }

  readonly #onListClick = (event: Event): void => {
    const button = (event.target as Element).closest<HTMLElement>('[data-id]');
    if (button) this.session.removeFile(button.dataset.id!);
  };

  readonly #actions = {
    onClear: (): void => this.session.clear(),
    onStart: (): void => void this.#patient.check().then((ok) => (ok ? this.start() : null)),
    onPause: (): void => void this.pause(),
    onResume: (): void => void this.resume(),
    onCancel: (): void => void this.cancel(),
    onReset: (): void => this.reset(),
  };

  /**
   * Checks files and adds the acceptable ones, as if they were dropped (only before the
   * upload). Resolves once they are listed: files are taken by their declared type, and
   * their content is checked in the background (`session.whenChecked()` resolves after).
   */
  async addFiles(files: Iterable<File> | ArrayLike<File>): Promise<void> {
    if (this.session.getState().phase !== 'idle') return;
    await this.session.addFiles(Array.from(files as ArrayLike<File>)).catch(() => {});
    this.#sessions.flush(); // Shown in this render rather than the next frame's.
  }

  /** Uploads the files with the patient, template and encounter IDs; resolves with the batch id, or null when it did not start (the reason is shown). */
  async start(): Promise<string | null> {
    if (!selectCanStart(this.session.getState())) return null;
    const fields = { patient_id: this.patientId.trim(), template_id: this.templateId, encounter_id: this.encounterId };
    return this.session.start(fields).catch(() => null);
  }

  /** Cancels: stops the upload, or asks the server to cancel the files not yet processed (not while reconnecting). */
  async cancel(): Promise<void> {
    if (this.#reconnecting()) return;
    await this.session.cancel().catch((error: unknown) => this.#events.fail(error));
  }

  /** Pauses the batch on the server: files not started wait (running ones finish) until {@link BatchUploader.resume}. */
  async pause(): Promise<void> {
    if (selectCanPause(this.session.getState()) && !this.#reconnecting()) await this.session.pauseBatch().catch((error: unknown) => this.#events.fail(error));
  }

  /** Lets a paused batch run again. */
  async resume(): Promise<void> {
    if (selectCanResume(this.session.getState()) && !this.#reconnecting()) await this.session.resumeBatch().catch((error: unknown) => this.#events.fail(error));
  }

  /** While the server cannot be reached ("Reconnecting…"): tries it now rather than after the wait. */
  reconnectNow(): void {
    this.session.reconnectNow();
  }

  /** After a reload cut an upload short: sends the files picked again that the batch is missing. */
  async addMissingFiles(files: Iterable<File> | ArrayLike<File>): Promise<void> {
    await this.session.addMissingFiles(Array.from(files as ArrayLike<File>)).catch((error: unknown) => this.#events.fail(error));
  }

  #reconnecting(): boolean {
    return this.session.getState().connection === 'reconnecting';
  }

  /**
   * Tries the failed files again on the server: the same batch reopens and is followed
   * to its end. Works after a reload during the batch too (the server kept the bytes). Resolves with the
   * batch id, or null when nothing could be retried (the reason is shown).
   */
  async retryFailed(): Promise<string | null> {
    if (!selectCanRetry(this.session.getState())) return null;
    return this.session.retryFailed().catch((error: unknown) => {
      this.#events.fail(error);
      return null;
    });
  }

  /**
   * Confirms or rejects a file the server holds for review (a document naming another
   * patient), by its local id; then focus goes to the next file to review, or to the
   * outcome. Resolves with false when the server refused (a `batch-error` tells why).
   */
  async reviewFile(id: string, decision: ReviewDecision): Promise<boolean> {
    try {
      await this.session.reviewFile(id, decision);
    } catch (error) {
      this.#events.fail(error);
      return false;
    }
    await this.updateComplete;
    const next = this.renderRoot.querySelector<HTMLElement>('[data-list="review"] button') ?? this.renderRoot.querySelector<HTMLElement>('#outcome');
    next?.focus();
    return true;
  }

  /**
   * Opens a batch of the workspace in the history panel, in place of the list (its files,
   * statuses, reasons and Retry failed), e.g. from a `#batch=<id>` link of a batch email;
   * focus moves to it. Shows the panel when `show-history` is not set.
   */
  openBatch(batchId: string): Promise<void> {
    return this.#history.open(this.session.client, batchId).catch((error: unknown) => this.#events.fail(error));
  }

  /** Forgets the batch (it goes on on the server) and starts over; a Patient ID typed in the field is cleared, one the host set is kept. */
  reset(): void {
    this.#toast.hide();
    this.#patient.forgetTyped();
    this.#sessions.reset();
  }

  protected override render(): TemplateResult {
    const state = this.#sessions.state;
    const t = this.#t;
    const idle = state.phase === 'idle';
    const level = Math.min(6, Math.max(1, Math.round(this.headingLevel) || 2));
    const sub = Math.min(6, level + 1);
    const limits = state.limits ?? attributeLimits(this) ?? DEFAULT_LIMITS;
    const locale = this.closest('[lang]')?.getAttribute('lang') || undefined;
    const error = state.error && !isAbortError(state.error) ? describeError(state.error) : null;
    const total = state.files.length;
    const active = this.#grid.active(state.files);
    return html`<div part="base" class="base" role="region" aria-labelledby="heading">
      <div part="heading" id="heading" class="heading" role="heading" aria-level=${level}>${t.heading}</div>
      ${outcome({ state, strings: t, level: sub, lists: this.#outcome, onRetry: () => void this.retryFailed(), onReview: (id, decision) => void this.reviewFile(id, decision) })}
      ${reconnecting(state, t, () => this.reconnectNow())}
      ${interrupted(state, t, this.accept || limits.accepted_types.join(','), {
        onFiles: (files) => void this.addMissingFiles(files),
        onFinishWithout: () => void this.session.finishWithoutMissing().catch((error: unknown) => this.#events.fail(error)),
      })}
      ${
        idle
          ? dropZone({
              strings: t,
              limits,
              accept: this.accept || limits.accepted_types.join(','),
              capture: this.capture,
              drop: this.#drop,
              checking: selectCounts(state).checking,
            })
          : progressArea(state, t, sub, batchContext(this.batchLabel, this.patientId, t))
      }
      ${error ? html`<div part="error" class="alert" role="alert">${icon('failed')}<span>${t.error(error.code, error.message)}</span></div>` : nothing}
      ${idle || state.phase === 'uploading' ? rejections(this.#refusals.visible(state.rejected), state.limits ?? DEFAULT_LIMITS, t, () => this.#refusals.dismiss(state.rejected)) : nothing}
      ${
        idle && this.patientField !== 'hidden'
          ? patientField({
              strings: t,
              required: this.patientField === 'required',
              value: this.patientId,
              error: this.#patient.error,
              onInput: this.#patient.onInput,
            })
          : nothing
      }
      ${
        total > 0
          ? fileList({
              files: state.files,
              layout: this.#window.layout(state.files, active),
              active,
              col: this.#grid.col,
              context: { strings: t, locale, removable: idle, preview: this.#thumbnails.previewOf },
              label: t.fileList,
              onClick: this.#onListClick,
              onKeydown: this.#grid.onKeydown,
              onFocusin: this.#grid.onFocusin,
            })
          : nothing
      }
      ${actions(state, t, this.#actions)}
      ${
        this.#toast.text
          ? toast(this.#toast.text, this.#toast.outcome, this.#toast.sticky, t, {
              onClose: this.#toast.hide,
              onHold: this.#toast.hold,
              onRelease: this.#toast.release,
            })
          : nothing
      }
      ${
        this.showHistory || this.#history.isOpen
          ? this.#history.render({
              strings: t,
              locale,
              level: sub,
              client: () => this.session.client,
              onRefresh: () => this.#history.load(this.session.client),
            })
          : nothing
      }
      <div part="live-region" class="sr-only" aria-live="polite">${this.#announcer.text}</div>
    </div>`;
  }
}
