import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import {
  BatchSession,
  isAbortError,
  selectCanPause,
  selectCanResume,
  selectCanRetry,
  selectCanStart,
  selectCounts,
  selectProgress,
  type AuthToken,
  type BatchClient,
  type SessionCounts,
  type SessionState,
} from '@batch-uploader/sdk';
import { DEFAULT_LIMITS, FIELD_PATTERN, MAX_FIELD_LENGTH, type Limits } from '@batch-uploader/protocol';
import { DropZoneController } from '../controllers/drop-zone-controller.js';
import { HistoryController } from '../controllers/history-controller.js';
import { SessionController } from '../controllers/session-controller.js';
import { ToastController } from '../controllers/toast-controller.js';
import { WindowController } from '../controllers/window-controller.js';
import { describeError, emit } from '../events.js';
import { acceptedTypes, parseSize } from '../format.js';
import { crossedMilestone } from '../milestones.js';
import { resolveStrings, type BatchUploaderStringOverrides, type BatchUploaderStrings } from '../strings.js';
import { checkingRow, fileRow } from '../views/file-row.js';
import { historyPanel } from '../views/history-panel.js';
import { icon } from '../views/icons.js';
import { rejections } from '../views/rejections.js';
import { dropZone } from '../views/drop-zone.js';
import { patientField } from '../views/patient-field.js';
import { progressArea } from '../views/progress-area.js';
import styles from './batch-uploader.styles.js';

/** Settings the element's own session is made from; a change makes a new one. */
const SESSION_SETTINGS = ['client', 'endpoint', 'pollInterval', 'maxFiles', 'maxFileSize', 'accept', 'headers'] as const;

/**
 * @summary Upload up to 50 medical documents at once and follow each one through
 * server-side processing, live. Renders a `BatchSession` of `@batch-uploader/sdk`; talks
 * to the server only through it.
 *
 * @event batch-files-added - Files were accepted. `detail: { files }`
 * @event batch-files-rejected - Files were refused when added, or left the list when the check of their content failed. `detail: { rejected }` (each with `code`, `message`)
 * @event batch-created - The server accepted the upload. `detail: { batchId, totalFiles }`
 * @event batch-progress - Upload or processing moved on. `detail: { batchId, phase, percent, counts }`
 * @event batch-paused - The batch was paused (here or elsewhere): files not started wait. `detail: { batchId }`
 * @event batch-resumed - The paused batch runs again. `detail: { batchId }`
 * @event batch-retried - The server put the failed files back in the queue; the batch runs again. `detail: { batchId, retried, notRetryable }`
 * @event batch-complete - The batch finished. `detail: { batchId, status, counts, summary }` (may repeat after a reload; de-duplicate by `batchId`)
 * @event batch-error - The upload failed, live updates stopped, or the batch kept from before a reload is gone. `detail: { code, message, error }`
 *
 * @csspart base - The box around everything.
 * @csspart drop-zone - The drop zone: a button that opens the file picker.
 * @csspart hint - The limits under the drop zone text.
 * @csspart folder-button - Opens the folder picker (all files of a folder and its subfolders).
 * @csspart checking - "Checking 10000 files…" while added files are taken in (the server's limits not yet known, or files without a declared type being read).
 * @csspart messages - Why files were not added.
 * @csspart dismiss-button - Hides those messages.
 * @csspart field - The Patient ID field (label, input, error).
 * @csspart patient-input - The Patient ID input.
 * @csspart field-error - The Patient ID's error text.
 * @csspart error - The banner for an upload or live-update error.
 * @csspart progress-area - Progress bar, its label and the status cards.
 * @csspart progress - The overall progress bar.
 * @csspart paused - "Paused", with its icon, while the batch is paused.
 * @csspart status-cards - The list of status cards.
 * @csspart status-card - Each status card (also `status-card-pending`, `-processing`, `-completed`, `-failed`, `-cancelled`).
 * @csspart summary - The closing line ("47 succeeded, 3 failed").
 * @csspart file-list - The (windowed) list of files.
 * @csspart file-row - One file.
 * @csspart file-status - A file's status icon and text.
 * @csspart file-name - A file's name.
 * @csspart file-size - A file's size.
 * @csspart file-progress - A file's upload progress.
 * @csspart file-error - Why a file failed, as the server said.
 * @csspart remove-button - Removes a file before the upload.
 * @csspart actions - The row of buttons.
 * @csspart button - Every action button (also `start-button`, `clear-button`, `pause-button`, `resume-button`, `cancel-button`, `retry-button`, `reset-button`).
 * @csspart history - The recent-batches panel.
 * @csspart refresh-button - Reloads the history.
 * @csspart more-button - Loads older batches into the history.
 * @csspart toast - The completion notice.
 * @csspart live-region - The visually hidden region that announces milestones.
 *
 * @cssproperty --batch-font - Font family.
 * @cssproperty --batch-radius - Corner radius. @default 8px
 * @cssproperty --batch-spacing - Padding and main gaps. @default 1rem
 * @cssproperty --batch-color-text - Text.
 * @cssproperty --batch-color-muted - Secondary text.
 * @cssproperty --batch-color-background - Background of the element.
 * @cssproperty --batch-color-surface - Background of the drop zone, cards and messages.
 * @cssproperty --batch-color-border - Borders.
 * @cssproperty --batch-color-accent - Primary button, progress bar, drag feedback.
 * @cssproperty --batch-color-on-accent - Text on the accent colour.
 * @cssproperty --batch-color-focus - Focus ring.
 * @cssproperty --batch-color-pending - Pending status (yellow).
 * @cssproperty --batch-color-processing - Processing status (blue).
 * @cssproperty --batch-color-completed - Completed status (green).
 * @cssproperty --batch-color-failed - Failed status and errors (red).
 * @cssproperty --batch-color-cancelled - Cancelled status (grey).
 * @cssproperty --batch-row-height - Height of a file row (rows are windowed and need one height). @default 3.25rem
 * @cssproperty --batch-list-height - Most height of the file list before it scrolls. @default 20rem
 */
export class BatchUploader extends LitElement {
  static override styles = styles;

  // Declared here rather than with decorators: the same for Lit, and smaller in the bundle.
  static override properties: PropertyDeclarations = {
    endpoint: {},
    patientId: { attribute: 'patient-id' },
    patientField: { attribute: 'patient-field' },
    templateId: { attribute: 'template-id' },
    encounterId: { attribute: 'encounter-id' },
    maxFiles: { attribute: 'max-files', type: Number },
    maxFileSize: { attribute: 'max-file-size', converter: { fromAttribute: parseSize } },
    accept: {},
    pollInterval: { attribute: 'poll-interval', type: Number },
    showHistory: { attribute: 'show-history', type: Boolean },
    headers: { attribute: false },
    getAuthToken: { attribute: false },
    client: { attribute: false },
    strings: { attribute: false },
    session: { attribute: false, noAccessor: true },
  };

  readonly #sessions = new SessionController(this, {
    external: () => this.#external,
    create: () => this.#createSession(),
    config: () => SESSION_SETTINGS.map((name) => this[name]),
    storageKey: () => `batch-uploader:${this.endpoint}${this.id ? `#${this.id}` : ''}`,
    listen: (session) => this.#listen(session),
    onChange: (state, previous) => this.#onChange(state, previous),
    onResumeError: (error) => this.#fail(error),
  });
  readonly #drop = new DropZoneController(this, (files) => void this.addFiles(files));
  readonly #window = new WindowController(this);
  readonly #toast = new ToastController(this);
  readonly #history = new HistoryController(this);

  /** Base URL of the batch API (where the server's router is mounted). */
  endpoint = '/api/gp';

  /** Patient ID sent with the batch; fills the Patient ID field. Never stored by the element. */
  patientId = '';

  /** The Patient ID field: `hidden`, `optional` or `required`. */
  patientField: 'hidden' | 'optional' | 'required' = 'optional';

  /** Template ID sent with the batch (the document template the host processes with). */
  templateId = '';

  /** Encounter (visit) ID sent with the batch. */
  encounterId = '';

  /** Most files in one batch, checked before the upload (the server checks again). The server's limit when unset. */
  maxFiles: number | null = null;

  /** Largest file, in bytes or with a unit (`50MB`, `500KB`). The server's limit when unset. */
  maxFileSize: number | null = null;

  /** Accepted types in the `<input accept>` syntax (`application/pdf,image/*`), within PDF, PNG, JPEG, TIFF and WebP. The server's when unset. */
  accept = '';

  /** Milliseconds between status polls when live events are not available. The SDK's 2000 when unset. */
  pollInterval: number | null = null;

  /** Shows the workspace's recent batches. */
  showHistory = false;

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
  #announcement = '';
  #patientError = '';
  /**
   * Files handed to addFiles that the session has not taken yet, one array per call
   * (it may first ask the server for its limits, or read files that declare no type).
   * They are listed at once and leave the list when the session has decided on them.
   */
  #checking: File[][] = [];
  /** Whether focus was inside before this render (a render may remove the focused button). */
  #hadFocus = false;
  /** Where focus goes when the focused button went away: the remove button now at this index. */
  #removedAt = -1;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session') || SESSION_SETTINGS.some((name) => changed.has(name))) this.#sessions.refresh();
    if (changed.has('strings')) this.#t = resolveStrings(this.strings);
    // On the first update the session's binding has just loaded it.
    if (changed.has('showHistory') && this.showHistory && this.hasUpdated) this.#history.load(this.session.client);
    this.#hadFocus = this.shadowRoot?.activeElement != null;
  }

  protected override updated(): void {
    const list = this.renderRoot.querySelector<HTMLElement>('.list');
    this.#window.observe(list, list?.querySelector<HTMLElement>('.row') ?? null);
    if (this.#hadFocus && this.shadowRoot!.activeElement === null) this.#restoreFocus();
  }

  /**
   * The focused button went away (Start became Cancel, a file was removed, the batch
   * ended): focus the next thing to do instead of losing it to the page.
   */
  #restoreFocus(): void {
    const root = this.renderRoot;
    const removes = root.querySelectorAll<HTMLElement>('.remove');
    const target =
      (this.#removedAt >= 0 ? removes[Math.min(this.#removedAt, removes.length - 1)] : undefined) ??
      root.querySelector<HTMLElement>('.actions .primary, .actions button, .drop, .list');
    this.#removedAt = -1;
    target?.focus();
  }

  #createSession(): BatchSession {
    const limits = this.#limits();
    return new BatchSession({
      client: this.client ?? {
        endpoint: this.endpoint || '/api/gp',
        headers: this.headers,
        getAuthToken: () => this.getAuthToken?.(),
        ...(positive(this.pollInterval) ? { pollIntervalMs: this.pollInterval! } : {}),
      },
      ...(limits ? { limits } : {}),
    });
  }

  /** The limits set by attributes (defaults for the rest); null leaves them to the server. */
  #limits(): Limits | null {
    const maxFiles = positive(this.maxFiles) ? Math.floor(this.maxFiles!) : null;
    const maxFileSize = positive(this.maxFileSize) ? this.maxFileSize : null;
    if (maxFiles === null && maxFileSize === null && !this.accept) return null;
    return {
      max_files: maxFiles ?? DEFAULT_LIMITS.max_files,
      max_file_size: maxFileSize ?? DEFAULT_LIMITS.max_file_size,
      accepted_types: this.accept ? acceptedTypes(this.accept) : DEFAULT_LIMITS.accepted_types,
    };
  }

  /** SDK events → DOM events, announcements and the notice. */
  #listen(session: BatchSession): Array<() => void> {
    session.loadLimits().catch(() => {}); // For the hint; the defaults stand meanwhile.
    if (this.showHistory) this.#history.load(session.client);
    return [
      session.on('files-added', ({ files, rejected }) => {
        if (files.length > 0) emit(this, 'batch-files-added', { files });
        if (rejected.length > 0) emit(this, 'batch-files-rejected', { rejected });
        this.#announce(this.#t.added(files.length, rejected.length));
      }),
      session.on('files-rejected', ({ rejected }) => {
        emit(this, 'batch-files-rejected', { rejected });
        this.#announce(this.#t.removedAfterCheck(rejected.length));
      }),
      session.on('upload-completed', () => this.#announce(this.#t.uploaded(selectCounts(session.getState()).total))),
      session.on('upload-failed', ({ error }) => this.#fail(error)),
      session.on('batch-retried', (detail) => {
        emit(this, 'batch-retried', detail);
        this.#toast.hide();
        this.#announce(this.#t.retrying(detail.retried));
      }),
      session.on('error', ({ error }) => this.#fail(error)),
      session.on('batch-finished', ({ batchId, status, counts, summary }) => {
        emit(this, 'batch-complete', { batchId, status, counts, summary });
        const text = this.#t.finished(this.#t.summary(counts));
        this.#toast.show(text);
        this.#announce(text);
        if (this.showHistory) this.#history.load(session.client);
      }),
    ];
  }

  /** Progress events on every change of percent, counts or phase; announcements at milestones only. */
  #onChange(state: SessionState, previous: SessionState): void {
    if (state.phase === 'idle') return;
    // The upload made a batch (the SDK may know its id before the last byte is sent):
    // hosts hear of the batch before any progress of it.
    if (previous.phase === 'uploading' && previous.batchId === null && state.batchId !== null) {
      emit(this, 'batch-created', { batchId: state.batchId, totalFiles: selectCounts(state).total });
    }
    if (state.batchId && (state.batchStatus === 'paused') !== (previous.batchStatus === 'paused') && state.batchId === previous.batchId) {
      const paused = state.batchStatus === 'paused';
      emit(this, paused ? 'batch-paused' : 'batch-resumed', { batchId: state.batchId });
      this.#announce(paused ? this.#t.pausedNotice : this.#t.resumedNotice);
    }
    const now = selectProgress(state);
    const counts = selectCounts(state);
    const before = selectProgress(previous);
    const samePhase = state.phase === previous.phase;
    if (samePhase && now.percent === before.percent && sameCounts(counts, selectCounts(previous))) return;
    this.#emitProgress(state);
    if (samePhase && crossedMilestone(before.percent, now.percent)) {
      this.#announce(state.phase === 'uploading' ? this.#t.uploading(now.percent) : this.#t.milestone(counts.finished, counts.total));
    }
  }

  #emitProgress(state: SessionState): void {
    emit(this, 'batch-progress', { batchId: state.batchId, phase: state.phase, percent: selectProgress(state).percent, counts: selectCounts(state) });
  }

  #fail(error: unknown): void {
    if (isAbortError(error)) return;
    emit(this, 'batch-error', { ...describeError(error), error });
  }

  #announce(text: string): void {
    // The same words again would not be announced again: make them differ.
    this.#announcement = text === this.#announcement ? `${text}\u00a0` : text;
    this.requestUpdate();
  }

  #patientProblem(): string {
    const value = this.patientId.trim();
    if (this.patientField === 'required' && value === '') return this.#t.patientIdMissing;
    if (value !== '' && (value.length > MAX_FIELD_LENGTH || !FIELD_PATTERN.test(value))) return this.#t.patientIdInvalid;
    return '';
  }

  readonly #openPicker = (): void => {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]:not([webkitdirectory])')?.click();
  };

  readonly #openFolderPicker = (): void => {
    this.renderRoot.querySelector<HTMLInputElement>('input[webkitdirectory]')?.click();
  };

  readonly #onPicked = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    // A folder's hidden files (.DS_Store, and all in hidden subfolders) are no documents.
    const files = [...(input.files ?? [])].filter((file) => !/(^|\/)\./.test(file.webkitRelativePath));
    input.value = ''; // Picking the same file again must fire change again (and say "already added").
    void this.addFiles(files);
  };

  readonly #onListClick = (event: Event): void => {
    const button = (event.target as Element).closest<HTMLElement>('[data-id]');
    if (!button) return;
    this.#removedAt = [...this.renderRoot.querySelectorAll('.remove')].indexOf(button);
    this.session.removeFile(button.dataset.id!);
  };

  readonly #onPatientInput = (event: Event): void => {
    this.patientId = (event.target as HTMLInputElement).value;
    if (this.#patientError) this.#patientError = this.#patientProblem();
  };

  readonly #onStart = async (): Promise<void> => {
    this.#patientError = this.#patientProblem();
    if (this.#patientError) {
      this.requestUpdate();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#patient-id')?.focus();
      return;
    }
    await this.start();
  };

  readonly #onCancel = (): void => void this.cancel();
  readonly #onPause = (): void => void this.pause();
  readonly #onResume = (): void => void this.resume();
  readonly #onRetry = (): void => void this.retryFailed();
  readonly #onReset = (): void => this.reset();
  readonly #onClear = (): void => this.session.clear();
  readonly #onDismiss = (): void => this.session.clearRejected();
  readonly #onHideToast = (): void => this.#toast.hide();
  readonly #onRefreshHistory = (): void => this.#history.load(this.session.client);

  readonly #onMoreHistory = (): void => void this.#showMoreHistory();

  /** Loads older batches; focus goes to the first of them (the button may be gone). */
  async #showMoreHistory(): Promise<void> {
    const shown = this.#history.batches?.length ?? 0;
    if ((await this.#history.more(this.session.client)) === 0) return;
    await this.updateComplete;
    this.renderRoot.querySelectorAll<HTMLElement>('.history li')[shown]?.focus();
  }

  /**
   * Checks files and adds the acceptable ones, as if they were dropped (only before the
   * upload). Resolves once they are listed: files are taken by their declared type, and
   * their content is checked in the background (`session.whenChecked()` resolves after).
   */
  async addFiles(files: Iterable<File> | ArrayLike<File>): Promise<void> {
    if (this.session.getState().phase !== 'idle') return;
    const list = Array.from(files as ArrayLike<File>);
    this.#checking = [...this.#checking, list];
    this.requestUpdate();
    await this.session.addFiles(list).catch(() => {});
    this.#checking = this.#checking.filter((checking) => checking !== list);
    this.#sessions.flush(); // The checked files replace their stand-ins in one render.
  }

  /** Uploads the files with the patient, template and encounter IDs; resolves with the batch id, or null when it did not start (the reason is shown). */
  async start(): Promise<string | null> {
    if (!selectCanStart(this.session.getState())) return null;
    const fields = { patient_id: this.patientId.trim(), template_id: this.templateId, encounter_id: this.encounterId };
    return this.session.start(fields).catch(() => null);
  }

  /** Cancels: stops the upload, or asks the server to cancel the files not yet processed. */
  async cancel(): Promise<void> {
    await this.session.cancel().catch((error: unknown) => this.#fail(error));
  }

  /** Pauses the batch on the server: files not started wait (running ones finish) until {@link BatchUploader.resume}. */
  async pause(): Promise<void> {
    if (selectCanPause(this.session.getState())) await this.session.pauseBatch().catch((error: unknown) => this.#fail(error));
  }

  /** Lets a paused batch run again. */
  async resume(): Promise<void> {
    if (selectCanResume(this.session.getState())) await this.session.resumeBatch().catch((error: unknown) => this.#fail(error));
  }

  /**
   * Tries the failed files again on the server: the same batch reopens and is followed
   * to its end. Works after a reload too (the server kept the bytes). Resolves with the
   * batch id, or null when nothing could be retried (the reason is shown).
   */
  async retryFailed(): Promise<string | null> {
    if (!selectCanRetry(this.session.getState())) return null;
    return this.session.retryFailed().catch((error: unknown) => {
      this.#fail(error);
      return null;
    });
  }

  /** Forgets the batch (it goes on on the server) and starts over. */
  reset(): void {
    this.#toast.hide();
    this.#patientError = '';
    this.#sessions.reset();
  }

  protected override render(): TemplateResult {
    const state = this.#sessions.state;
    const t = this.#t;
    const counts = selectCounts(state);
    const idle = state.phase === 'idle';
    const checking = this.#checking.flat();
    return html`<div part="base" class="base">
      ${idle ? this.#renderDropZone(state.limits ?? this.#limits() ?? DEFAULT_LIMITS, checking.length) : progressArea(state, t)}
      ${this.#renderError(state.error)}
      ${idle || state.phase === 'uploading' ? rejections(state.rejected, state.limits ?? DEFAULT_LIMITS, t, this.#onDismiss) : nothing}
      ${idle && this.patientField !== 'hidden'
        ? patientField({ strings: t, required: this.patientField === 'required', value: this.patientId, error: this.#patientError, onInput: this.#onPatientInput })
        : nothing}
      ${state.phase === 'finished' ? html`<p part="summary" class="summary" role="status">${t.summary(counts)}</p>` : nothing}
      ${state.files.length > 0 || checking.length > 0 ? this.#renderList(state, checking) : nothing} ${this.#renderActions(state, counts)}
      ${this.showHistory
        ? historyPanel({
            batches: this.#history.batches,
            error: this.#history.error,
            hasMore: this.#history.hasMore,
            strings: t,
            locale: this.#locale(),
            onRefresh: this.#onRefreshHistory,
            onMore: this.#onMoreHistory,
          })
        : nothing}
      ${this.#toast.text
        ? html`<div part="toast" class="toast">
            ${icon('completed')}<span>${this.#toast.text}</span>
            <button class="link" type="button" @click=${this.#onHideToast}>${t.close}</button>
          </div>`
        : nothing}
      <div part="live-region" class="sr-only" aria-live="polite">${this.#announcement}</div>
    </div>`;
  }

  #renderDropZone(limits: Limits, checking: number): TemplateResult {
    return dropZone({
      strings: this.#t,
      limits,
      accept: this.accept || limits.accepted_types.join(','),
      drop: this.#drop,
      checking,
      onOpen: this.#openPicker,
      onOpenFolder: this.#openFolderPicker,
      onPicked: this.#onPicked,
    });
  }

  #renderError(error: unknown): TemplateResult | typeof nothing {
    if (!error || isAbortError(error)) return nothing;
    const { code, message } = describeError(error);
    return html`<div part="error" class="alert" role="alert">${icon('failed')}<span>${this.#t.error(code, message)}</span></div>`;
  }

  /** The session's files, then the files still being checked; only the rows in view are rendered. */
  #renderList(state: SessionState, checking: readonly File[]): TemplateResult {
    const { files } = state;
    const total = files.length + checking.length;
    const { start, end, before, after } = this.#window.range(total);
    const context = { strings: this.#t, locale: this.#locale(), total, removable: state.phase === 'idle' };
    const rows: unknown[] = [];
    for (let i = start; i < end; i++) {
      const file = files[i];
      // A row is rendered again only when its file (an immutable object, replaced on every
      // change), its place or the list's settings changed: an update of 100 files of 10,000
      // touches the rows of those files alone.
      const stand = file ? null : checking[i - files.length]!;
      rows.push(
        guard([file ?? stand, i, total, context.removable, context.strings, context.locale], () =>
          stand ? fileRow(checkingRow(stand), i, { ...context, removable: false }) : fileRow(file!, i, context),
        ),
      );
    }
    // The scroller is focusable, so the list scrolls by keyboard even when its rows hold no
    // button. The space of the rows not rendered is padding of the inner list, not of the
    // scroller (padding there would make the scroller as tall as all rows).
    return html`<div part="file-list" class="list" tabindex="0" role="group" aria-label=${this.#t.fileList}>
      <ul .style=${`padding-top:${before}px;padding-bottom:${after}px`} @click=${this.#onListClick}>
        ${rows}
      </ul>
    </div>`;
  }

  #renderActions(state: SessionState, counts: SessionCounts): TemplateResult | typeof nothing {
    const t = this.#t;
    const button = (name: string, label: string, onClick: () => void, primary = false) =>
      html`<button part="button ${name}-button" class="button ${primary ? 'primary' : ''}" type="button" @click=${onClick}>${label}</button>`;
    let buttons: TemplateResult[] = [];
    if (state.phase === 'idle' && counts.queued > 0) {
      buttons = [button('clear', t.clear, this.#onClear), button('start', t.start(counts.queued), this.#onStart, true)];
    } else if (state.phase === 'uploading' || state.phase === 'processing') {
      // Paused, resuming is the next thing to do (and takes the focus from Pause).
      if (selectCanPause(state)) buttons.push(button('pause', t.pause, this.#onPause));
      if (selectCanResume(state)) buttons.push(button('resume', t.resume, this.#onResume, true));
      buttons.push(button('cancel', t.cancel, this.#onCancel));
    } else if (state.phase === 'finished') {
      // As the SDK's selectCanRetry counts: files refused at upload were never kept.
      const retryable = state.files.filter((f) => f.status === 'failed' && f.fileId !== null && f.error?.code !== 'UNSUPPORTED_TYPE').length;
      buttons = [
        ...(selectCanRetry(state) ? [button('retry', t.retryFailed(retryable), this.#onRetry)] : []),
        button('reset', t.reset, this.#onReset, true),
      ];
    }
    return buttons.length > 0 ? html`<div part="actions" class="actions">${buttons}</div>` : nothing;
  }

  #locale(): string | undefined {
    return this.closest('[lang]')?.getAttribute('lang') || undefined;
  }
}

function positive(value: number | null): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function sameCounts(a: SessionCounts, b: SessionCounts): boolean {
  return a === b || (['queued', 'uploading', 'pending', 'processing', 'completed', 'failed', 'cancelled'] as const).every((k) => a[k] === b[k]);
}
