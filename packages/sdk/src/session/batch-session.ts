import { DEFAULT_LIMITS, type Batch, type BatchFile, type BatchPriority, type Limits } from '@batch-uploader/protocol';
import { BatchClient, type UploadFields } from '../client/batch-client.js';
import type { BatchClientOptions } from '../client/client-options.js';
import { isBatchFinished } from '../client/batch-finished.js';
import { isAbortError } from '../errors/abort.js';
import { isApiError } from '../errors/api-error.js';
import { isSdkError } from '../errors/sdk-error.js';
import { selectCanRetry, selectCanStart, selectCounts, selectSummary } from './selectors.js';
import { SessionEmitter, type BatchSessionEventMap, type SessionEventListener } from './session-events.js';
import { INITIAL_STATE, type RejectedFile, type SessionFile, type SessionState } from './session-state.js';
import { ContentChecks, type CheckedHead } from './content-checks.js';
import { hashSameSized } from './content-hash.js';
import { readHeads } from './sniff-type.js';
import { Store, type Listener } from './store.js';
import { FileIndex, mergeChanges } from './merge-changes.js';
import { fromServerFile, mergeSnapshot } from './merge-snapshot.js';
import { checkContent, declaresAcceptedType, validateFiles } from './validate-files.js';

/** Options of {@link BatchSession}. */
export interface BatchSessionOptions {
  /** The client to talk through, or the options to create one. */
  client: BatchClient | BatchClientOptions;
  /** Limits to check files against; asked from the server (`GET /limits`) when omitted. */
  limits?: Limits;
  /** Text fields sent with every upload of this session (a `start(fields)` call overrides them). */
  fields?: UploadFields;
  /**
   * Queue priority of the batches this session uploads; `fields.priority` (or a
   * `start(fields)` that names one) wins. @default 'normal' (server side)
   */
  priority?: BatchPriority;
  /**
   * Also refuse a file whose content equals a file already added (SHA-256), e.g. the
   * same scan saved twice under two names. Only files of equal size are read and hashed.
   * Needs SubtleCrypto: browsers offer it on https and localhost only; elsewhere the
   * check by name, size and modification time stands alone. @default false
   */
  detectDuplicateContent?: boolean;
  /** Least milliseconds between two upload-progress updates of the state. @default 100 */
  progressIntervalMs?: number;
}

/** A file the session can take: a browser `File`, a Node `File`, or a Blob with a name. */
export type FileInput = Blob & { name?: string; lastModified?: number };

/** What {@link BatchSession.addFiles} did. */
export interface AddFilesResult {
  /**
   * Files added, now `queued`. Those accepted by their declared type may still leave for
   * `state.rejected` once their content was checked (see {@link BatchSession.whenChecked}).
   */
  files: readonly SessionFile[];
  /** Files refused, with reasons. */
  rejected: readonly RejectedFile[];
}

/** A queued file whose first bytes are still to be read, with the limits it was accepted under. */
interface QueuedCheck {
  readonly id: string;
  readonly file: Blob;
  readonly queued: SessionFile;
  readonly limits: Limits;
}

/**
 * One batch upload as a store a UI subscribes to: add and check files, upload them
 * with progress, follow the batch live until it finishes, cancel, retry. Owns all
 * state; a view renders `getState()` and calls the methods (intents) — nothing else.
 *
 * @example
 * const session = new BatchSession({ client: { endpoint: '/api/gp' } });
 * session.subscribe((state) => render(state));
 * await session.addFiles(input.files);
 * await session.start({ patient_id });
 */
export class BatchSession {
  /** The client this session talks through. */
  readonly client: BatchClient;
  readonly #store = new Store<SessionState>(INITIAL_STATE);
  readonly #events = new SessionEmitter();
  readonly #onDispose = new Set<() => void>();
  readonly #progressIntervalMs: number;
  #limitsLoading: Promise<Limits> | null = null;
  /** Aborts the current upload and watch; replaced on every start/attach/reset. */
  #run = new AbortController();
  #fields: UploadFields;
  readonly #priority: BatchPriority | undefined;
  /** Content hashes by file, when duplicates are also found by content. */
  readonly #hashes: WeakMap<Blob, string | null> | null;
  /** Where each server file is in `state.files`, so live changes touch only the files they name. */
  readonly #index = new FileIndex();
  #nextId = 0;
  #disposed = false;
  /** Set by suspend(): no live updates until resume(). */
  #suspended = false;
  /** The retry request in flight, so a second click joins it instead of sending another. */
  #retrying: Promise<string> | null = null;
  /** Queued files accepted by their declared type, their content checked in the background. */
  readonly #checks = new ContentChecks<QueuedCheck>((checked) => this.#decideChecks(checked));

  constructor(options: BatchSessionOptions) {
    this.client = options.client instanceof BatchClient ? options.client : new BatchClient(options.client);
    this.#fields = { ...options.fields };
    this.#priority = options.priority;
    this.#hashes = options.detectDuplicateContent ? new WeakMap() : null;
    this.#progressIntervalMs = options.progressIntervalMs ?? 100;
    if (options.limits) this.#store.set((s) => ({ ...s, limits: options.limits! }));
  }

  /** The current state (immutable; a new object after every change). */
  getState(): SessionState {
    return this.#store.getState();
  }

  /** Calls `listener(state, previous)` after every change; returns the function that stops it. */
  subscribe(listener: Listener<SessionState>): () => void {
    return this.#store.subscribe(listener);
  }

  /** Listens to one SDK event (see {@link BatchSessionEventMap}); returns the function that stops it. */
  on<K extends keyof BatchSessionEventMap>(type: K, listener: SessionEventListener<K>): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Checks files and adds the acceptable ones as `queued`, in one state update however
   * many there are. Refused files land in `state.rejected` with a reason. Only while idle.
   *
   * A file that declares an accepted type (its MIME type, else its extension) is queued
   * at once, on that, its size and the count; its first bytes are then read in the
   * background, a few at a time, and a file whose content is not an accepted type leaves
   * `files` for `rejected` (`files-rejected` event). Any other file is read before it is
   * decided, so none is queued unchecked; `start()` waits for the checks still running.
   */
  async addFiles(input: Iterable<FileInput> | ArrayLike<FileInput>): Promise<AddFilesResult> {
    this.#assertUsable();
    this.#assertPhase('idle', 'Files can only be added before the upload starts; call reset() for a new batch.');
    const files = Array.from(input as ArrayLike<FileInput>);
    const limits = await this.#limits();
    const unread = files.filter((file) => !declaresAcceptedType(file, limits));
    const unreadHeads = await readHeads(unread);
    const heads = new Map(unread.map((file, i) => [file, unreadHeads[i] ?? null]));
    const hashes = this.#hashes;
    if (hashes) await hashSameSized(files, this.getState().files.flatMap((f) => (f.file ? [f.file] : [])), limits.max_file_size, hashes);
    // Validate against the state as it is now: another addFiles may have finished meanwhile.
    const state = this.getState();
    if (this.#disposed || state.phase !== 'idle') return { files: [], rejected: [] };
    // Without a head, a file is validated by its declared type.
    const candidates = files.map((file) => ({ id: this.#newId(), file, head: heads.get(file) ?? null }));
    const { accepted, rejected } = validateFiles(candidates, state.files, limits, hashes ? (file) => hashes.get(file) : undefined);
    if (accepted.length > 0 || rejected.length > 0) {
      this.#store.set((s) => ({ ...s, files: [...s.files, ...accepted], rejected: [...s.rejected, ...rejected] }));
    }
    this.#checks.add(accepted.filter((f) => !heads.has(f.file!)).map((queued) => ({ id: queued.id, file: queued.file!, queued, limits })));
    this.#events.emit('files-added', { files: accepted, rejected });
    return { files: accepted, rejected };
  }

  /**
   * Resolves once every file added so far had its content checked, and the files that
   * failed the check are in `state.rejected`. At once when no check is running.
   */
  whenChecked(): Promise<void> {
    const disposed = () => new DOMException('The session was disposed.', 'AbortError');
    if (this.#disposed) return Promise.reject(disposed());
    return this.#checks.settled().then(() => {
      if (this.#disposed) throw disposed();
    });
  }

  /** Removes a queued or refused file. Files already sent cannot be removed. */
  removeFile(id: string): void {
    this.#assertUsable();
    if (this.getState().phase === 'idle') this.#checks.forget([id]);
    this.#store.set((s) => {
      const files = s.phase === 'idle' ? s.files.filter((f) => f.id !== id) : s.files;
      const rejected = s.rejected.filter((f) => f.id !== id);
      return files.length === s.files.length && rejected.length === s.rejected.length ? s : { ...s, files, rejected };
    });
  }

  /** Forgets the refusals (`state.rejected`, e.g. once their messages were read); keeps the files. */
  clearRejected(): void {
    this.#assertUsable();
    this.#store.set((s) => (s.rejected.length === 0 ? s : { ...s, rejected: [] }));
  }

  /**
   * The limits files are checked against: the ones given, else the server's (asked once,
   * `GET /limits`; the defaults while it cannot be reached). `addFiles` asks anyway; call
   * this to show the limits before the first file is added. They land in `state.limits`.
   */
  loadLimits(): Promise<Limits> {
    this.#assertUsable();
    return this.#limits();
  }

  /** Removes every queued and refused file (before the upload); only the refusals afterwards. */
  clear(): void {
    this.#assertUsable();
    if (this.getState().phase === 'idle') this.#checks.forget();
    this.#store.set((s) =>
      s.files.length === 0 && s.rejected.length === 0 ? s : { ...s, files: s.phase === 'idle' ? [] : s.files, rejected: [], error: null },
    );
  }

  /**
   * Uploads the queued files as one batch — in several requests when there are many
   * files or bytes (see the client's `uploadPartFiles`), each retried alone after a
   * passing failure — then follows it live until it finishes. `state.batchId` is set as
   * soon as the server created the batch. Resolves with the batch id once every file
   * arrived. Rejects with the upload's error: when no batch was created, the files are
   * `queued` again (`start()` may be called again); when a later request failed for
   * good, the files that arrived are processed and followed, and the others are shown
   * `failed` with that error.
   *
   * Files whose content is still being checked (see `addFiles`) are shown `uploading`
   * at once, but nothing is sent before every check ended: a file that fails its check
   * leaves the upload for `state.rejected`. Cancelled meanwhile, the files are `queued`
   * again. Rejects, back in `idle`, when no file is left to send.
   */
  async start(fields?: UploadFields): Promise<string> {
    this.#assertUsable();
    if (!selectCanStart(this.getState())) throw new Error('Nothing to upload: add files first, or call reset() after a finished batch.');
    if (fields) this.#fields = { ...fields };
    const run = this.#restartRun();
    let ids = this.getState().files.filter((f) => f.status === 'queued').map((f) => f.id);
    this.#setFiles(ids, (f) => ({ ...f, status: 'uploading', bytesSent: 0 }), { phase: 'uploading', error: null });
    const live = () => run === this.#run && !this.#disposed;
    if (this.#checks.pending > 0) {
      try {
        await this.#checks.settled(run.signal);
      } catch (error) {
        // Cancelled before a byte left: back to picking files (reset() or dispose() took over otherwise).
        if (live()) this.#setFiles(ids, (f) => ({ ...f, status: 'queued' }), { phase: 'idle' });
        throw error;
      }
      if (!live()) throw new DOMException('The upload was stopped.', 'AbortError');
      ids = this.getState().files.filter((f) => f.status === 'uploading').map((f) => f.id);
      if (ids.length === 0) {
        this.#store.set((s) => ({ ...s, phase: 'idle' }));
        throw new Error('Nothing to upload: no file passed the check of its content (see state.rejected).');
      }
    }
    this.#events.emit('upload-started', { files: this.getState().files.filter((f) => f.status === 'uploading') });

    let lastProgress = 0;
    let arrived = 0;
    try {
      const response = await this.client.uploadBatch(
        this.getState().files.filter((f) => f.status === 'uploading').map((f) => f.file!),
        {
          fields: this.#fields,
          ...(this.#priority ? { priority: this.#priority } : {}),
          signal: run.signal,
          onProgress: (progress) => {
            const now = Date.now();
            if (!live() || (now - lastProgress < this.#progressIntervalMs && progress.sent < progress.total)) return;
            lastProgress = now;
            const sent = new Map(ids.map((id, i) => [id, progress.files[i]?.sent ?? 0]));
            this.#store.set((s) => ({ ...s, files: s.files.map((f) => (f.status === 'uploading' && sent.has(f.id) ? { ...f, bytesSent: sent.get(f.id)! } : f)) }));
            this.#events.emit('upload-progress', { sent: progress.sent, total: progress.total, percent: progress.percent });
          },
          onBatchCreated: (batchId) => {
            if (live()) this.#store.set((s) => ({ ...s, batchId }));
          },
          onPartSent: ({ filesSent }) => {
            if (!live()) return;
            this.#setFiles(ids.slice(arrived, filesSent), (f) => ({ ...f, status: 'pending', bytesSent: f.size }));
            arrived = filesSent;
          },
        },
      );
      this.#setFiles(ids, (f) => f, { phase: 'processing', batchId: response.batch_id, batchStatus: 'pending' });
      this.#events.emit('upload-completed', { batchId: response.batch_id });
      this.#follow(response.batch_id, run.signal);
      return response.batch_id;
    } catch (error) {
      if (!live()) throw error; // reset() or dispose() took over.
      const batchId = this.getState().batchId;
      if (batchId && arrived > 0 && !isAbortError(error)) {
        // Part of the batch is on the server: follow it; the files that did not arrive failed.
        const reason = { code: isSdkError(error) ? error.code : 'UPLOAD_FAILED', message: error instanceof Error ? error.message : String(error) };
        this.#setFiles(ids.slice(arrived), (f) => ({ ...f, status: 'failed', error: reason }), { phase: 'processing', batchStatus: 'pending', error });
        this.#follow(batchId, run.signal);
      } else {
        // Nothing to follow (an aborted upload's batch is cancelled): back to picking files.
        const cancelled = isAbortError(error);
        this.#setFiles(ids, (f) => ({ ...f, status: 'queued', bytesSent: 0 }), { phase: 'idle', batchId: null, error: cancelled ? null : error });
        if (cancelled) throw error;
      }
      this.#events.emit('upload-failed', { error });
      throw error;
    }
  }

  /**
   * Follows an existing batch, e.g. after a page reload (keep only the id; never file
   * bytes or patient data). Replaces the session's files with the batch's. Resolves
   * once the first snapshot arrived; live updates go on until the batch finishes.
   */
  async attach(batchId: string): Promise<void> {
    this.#assertUsable();
    const run = this.#restartRun();
    const batch = await this.client.getBatch(batchId, { signal: run.signal });
    if (run !== this.#run) return;
    this.#checks.forget(); // The batch's files replace the queued ones.
    this.#store.set((s) => ({
      ...INITIAL_STATE,
      limits: s.limits,
      phase: isBatchFinished(batch) ? 'finished' : 'processing',
      batchId: batch.id,
      batchStatus: batch.status,
      files: batch.files.map((file) => fromServerFile(this.#newId(), file)),
    }));
    if (isBatchFinished(batch)) this.#emitFinished(batch);
    else this.#follow(batch.id, run.signal);
  }

  /**
   * Cancels: during the upload, stops it and returns to `idle` with the files queued;
   * while processing, asks the server to cancel (files not started become `cancelled`,
   * running ones finish) and keeps following the batch to its end.
   */
  async cancel(): Promise<void> {
    this.#assertUsable();
    const state = this.getState();
    if (state.phase === 'uploading') {
      this.#run.abort();
      return;
    }
    await this.#batchOperation((id) => this.client.cancelBatch(id));
  }

  /**
   * Pauses the batch on the server: its files not yet started wait (files already
   * processing finish) and `state.batchStatus` becomes `paused`; live updates go on.
   * Does nothing unless a batch is being processed (see `selectCanPause`). A batch that
   * finished meanwhile is simply shown finished.
   */
  async pauseBatch(): Promise<void> {
    await this.#batchOperation((id) => this.client.pauseBatch(id));
  }

  /** Resumes a paused batch on the server (see {@link BatchSession.pauseBatch} and `selectCanResume`). */
  async resumeBatch(): Promise<void> {
    await this.#batchOperation((id) => this.client.resumeBatch(id));
  }

  /**
   * Tries the batch's failed files again on the server (`POST /batch/{id}/retry`): the
   * same batch reopens, its failed files go back to `pending`, and the session follows
   * it live again to its end. Works for a batch the session only attached to (no file
   * bytes needed: the server kept them). Resolves with the batch id. Rejects with
   * ApiError `NOTHING_TO_RETRY` (409: no failed file has a stored copy any more) or
   * `BATCH_CANCELLED` (409); the state keeps the batch as it was, with that `error`.
   */
  retryFailed(): Promise<string> {
    this.#assertUsable();
    if (this.#retrying) return this.#retrying;
    const { batchId } = this.getState();
    if (!selectCanRetry(this.getState()) || !batchId) return Promise.reject(new Error('Nothing to retry: no failed file in a finished batch.'));
    const run = this.#restartRun();
    const retrying = this.client.retryFailedFiles(batchId, { signal: run.signal }).then(
      (answer) => {
        if (run !== this.#run) return batchId;
        this.#store.set((s) => ({ ...s, error: null }));
        this.#applySnapshot(answer.batch, true);
        this.#events.emit('batch-retried', { batchId, retried: answer.retried, notRetryable: answer.not_retryable });
        this.#follow(batchId, run.signal);
        return batchId;
      },
      (error: unknown) => {
        if (run === this.#run && !isAbortError(error)) this.#store.set((s) => ({ ...s, error }));
        throw error;
      },
    );
    this.#retrying = retrying;
    const done = () => {
      if (this.#retrying === retrying) this.#retrying = null;
    };
    retrying.then(done, done);
    return retrying;
  }

  /**
   * Stops live updates (the event stream or polling, and their timers) but keeps the
   * state, e.g. while the view that shows the session is off the page. An upload in
   * progress goes on (stopping it would lose the batch); following starts only on
   * {@link BatchSession.resume}.
   */
  suspend(): void {
    this.#assertUsable();
    if (this.#suspended) return;
    this.#suspended = true;
    if (this.getState().phase !== 'processing') return;
    this.#restartRun();
    this.#store.set((s) => (s.channel === null ? s : { ...s, channel: null }));
  }

  /** Follows the batch again after {@link BatchSession.suspend}; the first snapshot brings the state up to date. */
  resume(): void {
    this.#assertUsable();
    if (!this.#suspended) return;
    this.#suspended = false;
    const { phase, batchId } = this.getState();
    if (phase === 'processing' && batchId) this.#follow(batchId, this.#restartRun().signal);
  }

  /** Stops any upload and watch and forgets everything but the limits (the server batch is not cancelled). */
  reset(): void {
    this.#assertUsable();
    this.#checks.forget();
    this.#restartRun();
    this.#store.set((s) => ({ ...INITIAL_STATE, limits: s.limits }));
  }

  /** Resolves with the state once the batch finished; rejects if following it fails or the session is disposed. */
  whenFinished(): Promise<SessionState> {
    return new Promise((resolve, reject) => {
      if (this.#disposed) {
        reject(new DOMException('The session was disposed.', 'AbortError'));
        return;
      }
      if (this.getState().phase === 'finished') {
        resolve(this.getState());
        return;
      }
      const stop = () => {
        unsubscribe();
        offError();
        this.#onDispose.delete(onDispose);
      };
      const unsubscribe = this.subscribe((state) => {
        if (state.phase === 'finished') {
          stop();
          resolve(state);
        }
      });
      const offError = this.on('error', ({ error }) => {
        stop();
        reject(error instanceof Error ? error : new Error('Following the batch failed.'));
      });
      const onDispose = () => {
        stop();
        reject(new DOMException('The session was disposed.', 'AbortError'));
      };
      this.#onDispose.add(onDispose);
    });
  }

  /** Stops everything (upload, live updates, listeners). The session cannot be used afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#checks.stop();
    this.#run.abort();
    for (const hook of [...this.#onDispose]) hook();
    this.#store.clear();
    this.#events.clear();
  }

  #follow(batchId: string, signal: AbortSignal): void {
    if (this.#suspended) return; // resume() picks it up.
    const watching = this.client.watchBatch(batchId, {
      signal,
      onUpdate: (batch, changed) => {
        if (!signal.aborted) this.#applySnapshot(batch, false, changed);
      },
      onChannel: (channel) => {
        if (signal.aborted) return;
        this.#store.set((s) => ({ ...s, channel }));
        this.#events.emit('channel', { channel });
      },
    });
    watching.then(
      () => {
        if (!signal.aborted) this.#store.set((s) => ({ ...s, channel: null }));
      },
      (error: unknown) => {
        if (signal.aborted || isAbortError(error)) return;
        this.#store.set((s) => ({ ...s, channel: null, error }));
        this.#events.emit('error', { error });
      },
    );
  }

  /** Runs cancel, pause or resume on the batch being processed and shows the answer. */
  async #batchOperation(operation: (batchId: string) => Promise<Batch>): Promise<void> {
    this.#assertUsable();
    const { phase, batchId } = this.getState();
    if (phase !== 'processing' || !batchId) return;
    let batch: Batch;
    try {
      batch = await operation(batchId);
    } catch (error) {
      // It finished on its own meanwhile: show how it ended.
      if (!isApiError(error) || error.code !== 'BATCH_NOT_OPEN') throw error;
      batch = await this.client.getBatch(batchId);
    }
    if (!this.#disposed && this.getState().batchId === batch.id) this.#applySnapshot(batch);
  }

  /**
   * Shows a server snapshot; `reopen` lets an unfinished one reopen a finished batch (a
   * retry). With `changed` (live changes: the files that differ from the previous
   * update) only those files are merged, when the session knows them all.
   */
  #applySnapshot(batch: Batch, reopen = false, changed?: readonly BatchFile[]): void {
    const before = this.getState();
    const { state, changes } = (changed && mergeChanges(before, batch, changed, this.#index)) || mergeSnapshot(before, batch, reopen);
    if (state === before) return;
    this.#store.set(() => state);
    this.#emitStatusChanges(changes);
    if (state.phase === 'finished' && before.phase !== 'finished') this.#emitFinished(batch);
  }

  /**
   * Changes the files with the given ids (and other state fields) in one update, then
   * tells the listeners of every status change.
   */
  #setFiles(ids: readonly string[], change: (file: SessionFile) => SessionFile, fields: Partial<SessionState> = {}): void {
    const chosen = new Set(ids);
    const before = new Map(this.getState().files.map((f) => [f.id, f.status]));
    this.#store.set((s) => ({ ...s, ...fields, files: s.files.map((f) => (chosen.has(f.id) ? change(f) : f)) }));
    this.#emitStatusChanges(
      this.getState()
        .files.filter((f) => chosen.has(f.id) && before.get(f.id) !== f.status)
        .map((file) => ({ file, previous: before.get(file.id)! })),
    );
  }

  /**
   * Shows what the first bytes of files queued by their declared type said, in one
   * update: a file whose content is not an accepted type leaves `files` for `rejected`
   * (only while it is not sent: `start()` waits for the checks), another may learn its
   * type by content. Files no longer in the session are left alone.
   */
  #decideChecks(checked: ReadonlyArray<CheckedHead<QueuedCheck>>): void {
    const refusals = new Map<string, RejectedFile>();
    const types = new Map<string, string>();
    for (const { check, head } of checked) {
      const verdict = checkContent(check.queued, head, check.limits);
      if ('code' in verdict) refusals.set(check.id, verdict);
      else if (verdict.type !== check.queued.type) types.set(check.id, verdict.type);
    }
    if (refusals.size === 0 && types.size === 0) return;
    const refused: RejectedFile[] = [];
    this.#store.set((s) => {
      let changed = false;
      const files: SessionFile[] = [];
      for (const file of s.files) {
        const refusal = refusals.get(file.id);
        const type = types.get(file.id);
        const unsent = file.status === 'queued' || (file.status === 'uploading' && file.bytesSent === 0);
        if (refusal && unsent) refused.push(refusal);
        else if (type !== undefined && type !== file.type) files.push({ ...file, type });
        else {
          files.push(file);
          continue;
        }
        changed = true;
      }
      return changed ? { ...s, files, rejected: refused.length > 0 ? [...s.rejected, ...refused] : s.rejected } : s;
    });
    if (refused.length > 0) this.#events.emit('files-rejected', { rejected: refused });
  }

  #emitFinished(batch: Batch): void {
    const state = this.getState();
    this.#events.emit('batch-finished', {
      batchId: batch.id,
      status: batch.status,
      counts: selectCounts(state),
      summary: selectSummary(state) ?? '',
    });
  }

  #emitStatusChanges(changes: ReadonlyArray<{ file: SessionFile; previous: SessionFile['status'] }>): void {
    for (const change of changes) this.#events.emit('file-status', change);
  }

  async #limits(): Promise<Limits> {
    const known = this.getState().limits;
    if (known) return known;
    this.#limitsLoading ??= this.client.getLimits().then(
      (limits) => {
        this.#store.set((s) => ({ ...s, limits }));
        return limits;
      },
      () => {
        // The server checks again on upload; a later addFiles asks once more.
        this.#limitsLoading = null;
        return DEFAULT_LIMITS;
      },
    );
    return this.#limitsLoading;
  }

  #restartRun(): AbortController {
    this.#run.abort();
    this.#run = new AbortController();
    return this.#run;
  }

  #newId(): string {
    return `f${++this.#nextId}`;
  }

  #assertUsable(): void {
    if (this.#disposed) throw new Error('This BatchSession was disposed; create a new one.');
  }

  #assertPhase(phase: SessionState['phase'], message: string): void {
    if (this.getState().phase !== phase) throw new Error(message);
  }
}
