import type { BatchPriority, Limits, ReviewDecision } from '@batch-uploader/protocol';
import { BatchClient } from '../client/batch-client.js';
import type { UploadFields } from '../client/request-options.js';
import { BatchCommands } from './batch-commands.js';
import { BatchFollower } from './batch-follower.js';
import { FileIntake, type AddFilesResult, type FileInput } from './file-intake.js';
import type { MissingFiles, MissingFilesResult } from './missing-files.js';
import { RememberedBatch } from './remembered-batch.js';
import { SessionCore } from './session-core.js';
import type { BatchSessionEventMap, SessionEventListener } from './session-events.js';
import type { SessionState } from './session-state.js';
import type { BatchSessionOptions } from './session-options.js';
import type { Listener } from './store.js';
import { runUpload } from './upload-run.js';

export type { AddFilesResult, FileInput } from './file-intake.js';
export type { MissingFilesResult } from './missing-files.js';
export type { BatchSessionOptions } from './session-options.js';

/**
 * One batch upload as a store a UI subscribes to: add and check files, upload them
 * with progress, follow the batch live until it finishes, cancel, pause, retry. Owns all
 * state; a view renders `getState()` and calls the methods (intents) — nothing else.
 * The phases and what moves them: `PHASE_TRANSITIONS`. Every intent is described in the
 * package README.
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
  readonly #core: SessionCore;
  readonly #intake: FileIntake;
  readonly #follower: BatchFollower;
  readonly #commands: BatchCommands;
  #missing: Promise<MissingFiles> | null = null;
  readonly #remembered: RememberedBatch | null;
  readonly #priority: BatchPriority | undefined;
  readonly #progressIntervalMs: number;
  #fields: UploadFields;

  constructor(options: BatchSessionOptions) {
    this.client = options.client instanceof BatchClient ? options.client : new BatchClient(options.client);
    this.#core = new SessionCore(this.client);
    this.#intake = new FileIntake(this.#core, options);
    this.#follower = new BatchFollower(this.#core, this.#intake);
    this.#commands = new BatchCommands(this.#core, this.#follower);
    this.#remembered = options.resume ? new RememberedBatch(this.#core, options.resume) : null;
    this.#fields = { ...options.fields };
    this.#priority = options.priority;
    this.#progressIntervalMs = options.progressIntervalMs ?? 100;
  }

  /** The current state (immutable; a new object after every change). */
  getState(): SessionState {
    return this.#core.state;
  }

  /** Calls `listener(state, previous)` after every change; returns the function that stops it. */
  subscribe(listener: Listener<SessionState>): () => void {
    return this.#core.store.subscribe(listener);
  }

  /** Listens to one SDK event (see {@link BatchSessionEventMap}); returns the function that stops it. */
  on<K extends keyof BatchSessionEventMap>(type: K, listener: SessionEventListener<K>): () => void {
    return this.#core.events.on(type, listener);
  }

  /**
   * Checks files and adds the acceptable ones as `queued`, in one state update however many
   * there are; refused ones land in `state.rejected` with a reason. Only while idle. Files
   * that need waiting for (the server's limits, bytes to read) are `checking` meanwhile.
   */
  async addFiles(input: Iterable<FileInput> | ArrayLike<FileInput>): Promise<AddFilesResult> {
    return this.#intake.add(input);
  }

  /** Resolves once every file added so far was decided and had its content checked. */
  async whenChecked(): Promise<void> {
    this.#core.assertUsable();
    await this.#intake.whenChecked();
    this.#core.assertUsable();
  }

  /** Removes a queued, checking or refused file. Files already sent cannot be removed. */
  removeFile(id: string): void {
    this.#core.assertUsable();
    this.#intake.remove(id);
  }

  /** Forgets the refusals (`state.rejected`, e.g. once their messages were read); keeps the files. */
  clearRejected(): void {
    this.#core.assertUsable();
    this.#intake.clearRejected();
  }

  /** The limits files are checked against: the ones given, else the server's (asked once; the defaults while it cannot be reached). */
  loadLimits(): Promise<Limits> {
    this.#core.assertUsable();
    return this.#intake.limits();
  }

  /** Removes every queued and refused file (before the upload); only the refusals afterwards. */
  clear(): void {
    this.#core.assertUsable();
    this.#intake.clear();
  }

  /**
   * Uploads the queued files as one batch (in several requests when large), then follows it
   * live until it finishes. Resolves with the batch id once every file arrived. Rejects with
   * the upload's error: with no batch created the files are `queued` again; when a later
   * request failed for good, the files that arrived are followed and the others `failed`.
   */
  async start(fields?: UploadFields): Promise<string> {
    this.#core.assertUsable();
    if (fields) this.#fields = { ...fields };
    return runUpload(this.#core, this.#intake, this.#follower, {
      fields: this.#fields,
      priority: this.#priority,
      progressIntervalMs: this.#progressIntervalMs,
      uploads: this.#remembered?.uploads ?? null,
    });
  }

  /** Follows an existing batch, e.g. after a reload; its files replace the session's (without bytes). Resolves once it is shown. */
  async attach(batchId: string): Promise<void> {
    this.#core.assertUsable();
    await this.#follower.attach(batchId);
  }

  /**
   * With the `resume` option: follows the batch kept from before a reload, when the session
   * is fresh. Resolves with its id, or null; a batch that is gone is an `error` event.
   */
  async restore(): Promise<string | null> {
    this.#core.assertUsable();
    return this.#remembered ? this.#remembered.restore((batchId) => this.attach(batchId)) : null;
  }

  /** During the upload: stops it, back to `idle` with the files queued. While processing: asks the server to cancel. */
  async cancel(): Promise<void> {
    this.#core.assertUsable();
    await this.#commands.cancel();
  }

  /** Pauses the batch on the server (files not yet started wait); does nothing unless one is processing. */
  async pauseBatch(): Promise<void> {
    await this.#commands.pause();
  }

  /** Resumes the paused batch on the server. */
  async resumeBatch(): Promise<void> {
    await this.#commands.resume();
  }

  /**
   * Confirms (`'confirm'`: file it where it is) or rejects (`'reject'`: not to be filed
   * to this patient) a file the server holds for review (`file.needsReview`: the document
   * names another patient), by its local id. Resolves once the server recorded it and the
   * state shows it; emits `file-reviewed`. Rejects with SessionError `NOTHING_TO_REVIEW`
   * for a file not held, or the server's ApiError.
   */
  reviewFile(id: string, decision: ReviewDecision): Promise<void> {
    return this.#commands.reviewFile(id, decision);
  }

  /** Runs the failed files again in the same batch on the server, and follows it to its new end. Resolves with the batch id. */
  retryFailed(): Promise<string> {
    this.#core.assertUsable();
    return this.#commands.retryFailed();
  }

  /**
   * While `state.connection` is `reconnecting`: tries the server now instead of after the
   * backoff (the session retries by itself meanwhile, every 2 s at most). Does nothing
   * otherwise.
   */
  reconnectNow(): void {
    this.#core.assertUsable();
    this.#follower.reconnectNow();
  }

  /**
   * Sends the files an interrupted upload did not send (`state.interrupted`, e.g. after a
   * reload while sending) to its batch: pick them again. Files the batch already has
   * (same name and size) are left out. Rejects with SessionError `TOO_MANY_FILES` when
   * more files are given than are missing, `BATCH_NOT_OPEN` when no upload waits for files,
   * `UNAVAILABLE` while reconnecting; with the upload's error when it failed (the batch
   * waits for the files as before).
   */
  addMissingFiles(input: Iterable<FileInput> | ArrayLike<FileInput>): Promise<MissingFilesResult> {
    return this.#missingFiles().then((missing) => missing.add(input));
  }

  /** Lets an interrupted upload's batch (`state.interrupted`) finish with the files it has. */
  finishWithoutMissing(): Promise<void> {
    return this.#missingFiles().then((missing) => missing.finishWithout());
  }

  /**
   * Finishing an interrupted upload is rare (a reload while sending): its code is imported
   * when first needed, so that browser bundles load it on demand. A failed import is tried
   * again next time.
   */
  #missingFiles(): Promise<MissingFiles> {
    this.#missing ??= import('./missing-files.js').then(
      ({ MissingFiles }) => new MissingFiles(this.#core, this.#follower, this.#remembered?.uploads ?? null),
      (error: unknown) => {
        this.#missing = null;
        throw error;
      },
    );
    return this.#missing;
  }

  /** Stops live updates (stream, polling, timers) but keeps the state; an upload goes on. */
  suspend(): void {
    this.#core.assertUsable();
    this.#follower.suspend();
  }

  /** Follows the batch again after {@link BatchSession.suspend}. */
  resume(): void {
    this.#core.assertUsable();
    this.#follower.resume();
  }

  /** Stops any upload and watch and forgets everything but the limits (the server batch is not cancelled). */
  reset(): void {
    this.#core.assertUsable();
    this.#intake.forget();
    this.#core.reset();
  }

  /** Resolves with the state once the batch finished; rejects if following it fails or the session is disposed. */
  whenFinished(): Promise<SessionState> {
    return this.#follower.whenFinished();
  }

  /** Stops everything (upload, checks, live updates, listeners). The session cannot be used afterwards. */
  dispose(): void {
    if (this.#core.disposed) return;
    this.#intake.stop();
    this.#core.dispose();
  }
}
