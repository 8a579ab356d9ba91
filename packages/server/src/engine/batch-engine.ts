import { randomUUID } from 'node:crypto';
import { FILE_ERRORS } from '@batch-uploader/protocol';
import type { WorkspaceAnalytics } from '../store/analytics.js';
import type { BatchRecord, BatchWithFiles, FileRecord, HistoryCursor, NewFile } from '../store/records.js';
import { REVIEW_DECISIONS, type ReviewDecision } from '@batch-uploader/protocol';
import { errorFields } from '../logger.js';
import { BatchEvents } from './batch-events.js';
import type { AppendOptions, BatchRequest, IncomingFile, RetryResult } from './command-input.js';
import { EngineError, refusalOf } from './engine-error.js';
import { resolveEngineOptions, type BatchEngineOptions, type ResolvedEngineOptions } from './engine-options.js';
import { FileWorkers } from './file-workers.js';
import { Publisher, type BatchChangeFacts } from './publisher.js';
import { RetentionSweeper } from './retention-sweeper.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { WebhookNotifier } from '../webhooks/webhook-notifier.js';
import { createEmailSender } from '../notifications/email-sender.js';
import { EmailNotifier } from '../notifications/email-notifier.js';
import type { OutboxSender } from '../delivery/outbox-sender.js';

/** What an engine's workers are doing; see {@link BatchEngine.activity}. */
export interface EngineActivity {
  /** Files this process runs at once; 0 on an API-only instance. */
  concurrency: number;
  /** Files running in this process now. */
  in_flight: number;
  /** Processor runs that ended in this process since it started, whatever their outcome. */
  runs_ended: number;
}

/**
 * Owns every operation on batches and runs the processing queue. Each command (upload,
 * append, cancel, pause, resume, close, retry, review) writes to the store, wakes the workers
 * when it queued files, and publishes the change to live views and, for final outcomes,
 * to webhooks and batch emails; a command the batch's state does not allow throws an
 * {@link EngineError} and changes nothing. Reads go through its queries.
 *
 * `concurrency` workers claim files from the store with a lease, run the processor on
 * them, and record the outcome only while they still hold the lease. Nothing lives only
 * in memory: a process that dies leaves expired leases, and whichever process sweeps
 * next puts those files back in the queue.
 *
 * The engine knows nothing of HTTP. Create it, `await start()`, and `await close()` on
 * shutdown; the store and blob store are opened and closed by their owner.
 */
export class BatchEngine {
  /** Changes of batches made by this process, for live views. */
  readonly events = new BatchEvents();
  /** Sweeps added before `start()`: started with the engine's own. */
  readonly #sweeps: Array<{ everyMs: number; task: () => Promise<unknown> }> = [];
  readonly #options: ResolvedEngineOptions;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #retention: RetentionSweeper;
  readonly #publisher: Publisher;
  readonly #workers: FileWorkers;
  readonly #dispatcher: WebhookDispatcher | null = null;
  readonly #emailSender: OutboxSender | null = null;
  #state: 'new' | 'running' | 'closing' | 'closed' = 'new';

  constructor(options: BatchEngineOptions) {
    this.#options = resolveEngineOptions(options, () => `engine-${randomUUID()}`);
    this.#retention = new RetentionSweeper(this.#options);
    const { store, webhooks, logger } = this.#options;
    // Final outcomes (a batch finished, a file failed for good) reach their listeners here.
    this.#publisher = new Publisher(this.events, logger);
    this.#workers = new FileWorkers(this.#options, this.#publisher);
    // Webhooks for a store without an outbox were refused by resolveEngineOptions.
    const outbox = store.outbox;
    if (webhooks && outbox) {
      const dispatcher = new WebhookDispatcher(outbox, webhooks, logger);
      this.#dispatcher = dispatcher;
      this.#publisher.addListener(new WebhookNotifier({ records: store.records, outbox }, webhooks, logger, () => dispatcher.wake()));
    }
    // Email, like webhooks, needs the outbox (checked by resolveEngineOptions).
    const { email } = this.#options;
    if (email && outbox) {
      const sender = createEmailSender(outbox, email, logger);
      this.#emailSender = sender;
      this.#publisher.addListener(new EmailNotifier({ records: store.records, outbox }, email, logger, () => sender.wake()));
    }
  }

  /** How long a batch held open for appends waits for its next part. */
  get appendHoldMs(): number {
    return this.#options.appendHoldMs;
  }

  /** The id this process puts in its leases. */
  get instanceId(): string {
    return this.#options.instanceId;
  }

  /**
   * What this process's workers are doing: `concurrency` (0 on an API-only instance),
   * `in_flight` files running now, and `runs_ended`, processor runs that ended here
   * since start (whatever their outcome). For health checks and metrics.
   */
  get activity(): EngineActivity {
    return { concurrency: this.#options.concurrency, in_flight: this.#workers.inFlight, runs_ended: this.#workers.runsEnded };
  }

  /**
   * Starts the workers and the periodic sweeps; files left by a previous run are picked up.
   * With `concurrency` 0 no worker starts; every sweep runs as usual.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('BatchEngine: start() can be called once.');
    this.#state = 'running';
    for (const { everyMs, task } of this.#sweeps.splice(0)) this.#every(everyMs, task);
    const { leaseMs, retention, concurrency, logger } = this.#options;
    // Every instance recovers expired leases, API-only ones too: the same sweep repairs
    // what a process killed between two writes left half done (a cancel, a settle), which
    // must not wait for a processing instance; it never runs a file itself.
    await this.#reclaimExpired();
    this.#every(Math.max(250, Math.floor(leaseMs / 2)), () => this.#reclaimExpired());
    // Retention also sweeps once at start: a server back after a day off removes what
    // expired meanwhile now, not a sweep interval later. Not awaited: it never delays the start.
    void this.#retention.sweep();
    this.#every(retention.sweepIntervalMs, () => this.#retention.sweep());
    // An expired hold is released within about half the hold (at most a minute) after it ran out.
    this.#every(Math.min(60_000, Math.max(250, Math.floor(this.#options.appendHoldMs / 2))), () => this.#releaseExpiredHolds());
    this.#workers.start();
    this.#dispatcher?.start();
    this.#emailSender?.start();
    logger.info(
      { instance: this.instanceId, concurrency, lease_ms: leaseMs },
      concurrency > 0 ? 'processing engine started' : 'engine started without processing',
    );
  }

  /**
   * Records a new batch of `files` in one step, their bytes moved into the blob store
   * first (and removed again when recording fails), and queues its pending files. Files
   * refused at upload (`status` failed) are recorded as failed and published as such.
   */
  async createBatch(request: BatchRequest, files: IncomingFile[]): Promise<BatchRecord> {
    const { workspace_id, priority, patient_id, template_id, encounter_id, more_files } = request;
    const hold_ms = more_files ? this.#options.appendHoldMs : null;
    const expected_files = request.expected_files ?? null;
    const batch = await this.#withBytes(files, (records) =>
      this.#options.store.records.createBatch(
        { id: randomUUID(), workspace_id, priority, patient_id, template_id, encounter_id, hold_ms, expected_files },
        records,
      ),
    );
    this.#queued(batch, files);
    return batch;
  }

  /**
   * Adds `files` to a batch that is still open, after its last file, and queues them.
   * Refused with `BATCH_NOT_FOUND`, `BATCH_NOT_OPEN` (finished or cancelled) or
   * `TOO_MANY_FILES` (the batch would hold more than `maxFiles`) before any byte moves;
   * the store checks again atomically, so concurrent appends never pass the limit.
   * Without `moreFiles` this is the last part: a hold for appends is released.
   */
  async appendFiles(workspaceId: string, batchId: string, files: IncomingFile[], options: AppendOptions): Promise<BatchRecord> {
    const { store, appendHoldMs } = this.#options;
    const { maxFiles } = options;
    const current = await store.records.getBatchSummary(workspaceId, batchId);
    if (!current) throw refusalOf('not_found');
    if (current.finished_at || current.cancelled_at) throw refusalOf('not_open');
    if (current.total_files + files.length > maxFiles) throw new EngineError({ code: 'TOO_MANY_FILES', total_files: current.total_files, max_files: maxFiles });
    const batch = await this.#withBytes(files, async (records) => {
      const result = await store.control.appendFiles(workspaceId, batchId, records, { maxFiles, holdMs: options.moreFiles ? appendHoldMs : null });
      if (result.outcome === 'appended') return result.batch;
      if (result.outcome === 'too_many') throw new EngineError({ code: 'TOO_MANY_FILES', total_files: result.total_files, max_files: maxFiles });
      throw refusalOf(result.outcome);
    });
    this.#queued(batch, files);
    return batch;
  }

  /**
   * Cancels a batch: its pending files become cancelled, files already processing run
   * to their end, a hold for appends is released. `BATCH_NOT_OPEN` once it finished.
   * Resolves with the batch as the cancel left it.
   */
  async cancelBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles> {
    const error = { code: 'CANCELLED', message: FILE_ERRORS.CANCELLED };
    const { outcome, batch_finished } = await this.#options.store.control.cancelBatch(workspaceId, batchId, error);
    if (outcome !== 'cancelled') throw refusalOf(outcome);
    return this.#changed({ batch_id: batchId, workspace_id: workspaceId, batch_finished }, { wake: false });
  }

  /**
   * Pauses a batch: its pending files are not claimed until it is resumed; files already
   * processing run to their end. Stored, so it outlives a restart. `BATCH_NOT_OPEN` once
   * it finished or was cancelled. Resolves with the batch as the pause left it.
   */
  async pauseBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles> {
    const { outcome } = await this.#options.store.control.pauseBatch(workspaceId, batchId);
    if (outcome !== 'paused') throw refusalOf(outcome);
    return this.#changed({ batch_id: batchId, workspace_id: workspaceId, batch_finished: false }, { wake: false });
  }

  /**
   * Lets a paused batch's files be claimed again, at once. `BATCH_NOT_OPEN` once it
   * finished or was cancelled. Resolves with the batch as the resume left it.
   */
  async resumeBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles> {
    const { outcome } = await this.#options.store.control.resumeBatch(workspaceId, batchId);
    if (outcome !== 'resumed') throw refusalOf(outcome);
    return this.#changed({ batch_id: batchId, workspace_id: workspaceId, batch_finished: false }, { wake: true });
  }

  /**
   * Keeps a batch held open for appends held `appendHoldMs` from now, as an append with
   * more to come would: a resumable upload into it is still receiving bytes, and the
   * batch must not finish before its file arrives, however long that takes. False for a
   * batch not held (closed, finished, cancelled, another workspace's).
   */
  async keepHeld(workspaceId: string, batchId: string): Promise<boolean> {
    return this.#options.store.control.extendHold(workspaceId, batchId, this.#options.appendHoldMs);
  }

  /**
   * Releases the hold of a batch held open for appends, so that it finishes with the
   * files it has. Closing a batch that is not held, or finished, is fine.
   * `BATCH_NOT_OPEN` when it was cancelled. Resolves with the batch as the close left it.
   */
  async closeBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles> {
    const { outcome, batch_finished } = await this.#options.store.control.closeBatch(workspaceId, batchId);
    if (outcome !== 'closed') throw refusalOf(outcome);
    return this.#changed({ batch_id: batchId, workspace_id: workspaceId, batch_finished }, { wake: false });
  }

  /**
   * Puts a batch's failed files that still have their bytes back in the queue, and
   * reopens the batch. `BATCH_CANCELLED` for a cancelled batch; `NOTHING_TO_RETRY` when
   * no failed file can run again.
   */
  async retryFailedFiles(workspaceId: string, batchId: string): Promise<RetryResult> {
    const { outcome, retried, not_retryable } = await this.#options.store.control.retryFailedFiles(workspaceId, batchId);
    if (outcome === 'nothing_to_retry') throw new EngineError({ code: 'NOTHING_TO_RETRY', not_retryable });
    if (outcome !== 'retried') throw refusalOf(outcome);
    const batch = await this.#changed({ batch_id: batchId, workspace_id: workspaceId, batch_finished: false }, { wake: true });
    return { retried, not_retryable, batch };
  }

  /**
   * Records staff's decision on a file held for review (a document naming another
   * patient): `confirm` (file it where it is) or `reject` (it must not be filed to this
   * patient), with `decidedBy` (the caller's id, never patient data) and the store's time.
   * The file stays completed; `needs_review` ends. `FILE_NOT_FOUND`, `NOTHING_TO_REVIEW`
   * (the file was never held), `ALREADY_REVIEWED` (decided the other way; the same
   * decision again is answered with the first). Resolves with the file and its batch.
   */
  async reviewFile(
    workspaceId: string,
    batchId: string,
    fileId: string,
    input: { decision: ReviewDecision; decidedBy: string },
  ): Promise<{ file: FileRecord } & BatchWithFiles> {
    const result = await this.#options.store.control.reviewFile(workspaceId, batchId, fileId, {
      decision: REVIEW_DECISIONS[input.decision],
      decided_by: input.decidedBy,
    });
    switch (result.outcome) {
      case 'reviewed': {
        const batch = await this.#changed({ batch_id: batchId, workspace_id: workspaceId, batch_finished: false }, { wake: false });
        return { file: result.file, ...batch };
      }
      case 'not_found':
        throw refusalOf('not_found');
      case 'file_not_found':
        throw new EngineError({ code: 'FILE_NOT_FOUND' });
      case 'nothing_to_review':
        throw new EngineError({ code: 'NOTHING_TO_REVIEW' });
      case 'already_decided':
        throw new EngineError({ code: 'ALREADY_REVIEWED', decision: result.decision });
    }
  }

  /** A workspace's batch with its files in position order; null when it has none by that id. */
  getBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles | null> {
    return this.#options.store.records.getBatch(workspaceId, batchId);
  }

  /** A workspace's batch without its files; null when it has none by that id. */
  getBatchSummary(workspaceId: string, batchId: string): Promise<BatchRecord | null> {
    return this.#options.store.records.getBatchSummary(workspaceId, batchId);
  }

  /** The version of a workspace's batch (it grows with every change a read can show); null when absent. */
  getBatchVersion(workspaceId: string, batchId: string): Promise<number | null> {
    return this.#options.store.records.getBatchVersion(workspaceId, batchId);
  }

  /** A workspace's batches, newest first, after `cursor`. */
  listBatches(workspaceId: string, query: { limit: number; cursor?: HistoryCursor }): Promise<BatchRecord[]> {
    return this.#options.store.records.listBatches(workspaceId, query);
  }

  /** A workspace's figures from `since` until `until`; `NOT_SUPPORTED` when the store keeps no analytics. */
  async getAnalytics(workspaceId: string, range: { since: Date; until: Date }): Promise<WorkspaceAnalytics> {
    const analytics = this.#options.store.analytics;
    if (!analytics) throw new EngineError({ code: 'NOT_SUPPORTED', feature: 'analytics' });
    return analytics.getAnalytics(workspaceId, range);
  }

  /** Runs the retention sweep now; returns how many files' bytes, batches' content and batches were removed. */
  sweepRetention(): Promise<{ blobs: number; contents: number; batches: number }> {
    return this.#retention.sweep();
  }

  /**
   * Stops claiming, lets running files finish for up to `shutdownGraceMs`, then
   * interrupts the rest and gives them back to the queue without counting an attempt.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'closing') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'closing';
    for (const timer of this.#timers) clearInterval(timer);
    if (wasRunning) await this.#workers.stop();
    // Events of the last outcomes are written before the store may close; their delivery waits for the next start.
    await this.#publisher.flush();
    await this.#dispatcher?.close();
    await this.#emailSender?.close();
    this.#state = 'closed';
  }

  /**
   * Moves the bytes of `files` into the blob store, then runs `write`; when either
   * fails, the bytes already moved are removed again, so nothing is kept of a command
   * that changed nothing.
   */
  async #withBytes<T>(files: IncomingFile[], write: (records: NewFile[]) => Promise<T>): Promise<T> {
    const { blobs } = this.#options;
    const moved: string[] = [];
    try {
      for (const { record, path } of files) {
        if (!record.blob_key || path === undefined) continue;
        await blobs.putFile(record.blob_key, path);
        moved.push(record.blob_key);
      }
      return await write(files.map((file) => file.record));
    } catch (error) {
      await Promise.all(moved.map((key) => blobs.delete(key).catch(() => {})));
      throw error;
    }
  }

  /** After files were added to `batch`: wake the workers, publish the change, and the files refused at upload. */
  #queued(batch: BatchRecord, files: IncomingFile[]): void {
    const { id: batch_id, workspace_id } = batch;
    this.#wakeWorkers();
    this.#publishChange({ batch_id, workspace_id, batch_finished: batch.finished_at !== null });
    for (const { record } of files) {
      if (record.status !== 'failed') continue;
      this.#publisher.publishFailed({ batch_id, workspace_id, file_id: record.id, error_code: record.error?.code ?? 'UNSUPPORTED_TYPE', attempts: 0 });
    }
  }

  /**
   * After a command changed a batch: reads the batch as the command left it — before the
   * workers are woken, so that no file it queued shows as claimed already — then wakes
   * them if asked and publishes the change, even when the read fails.
   */
  async #changed(change: BatchChangeFacts, { wake }: { wake: boolean }): Promise<BatchWithFiles> {
    try {
      const found = await this.#options.store.records.getBatch(change.workspace_id, change.batch_id);
      // Gone since the command's write: removed by retention in the meantime.
      if (!found) throw refusalOf('not_found');
      return found;
    } finally {
      if (wake) this.#wakeWorkers();
      this.#publishChange(change);
    }
  }

  /** Tells idle workers that files are queued (a new batch, a retry, a resume). */
  #wakeWorkers(): void {
    this.#workers.wake();
  }

  /** Tells live views of a change, and the outcome listeners when it finished the batch. */
  #publishChange(change: BatchChangeFacts): void {
    this.#publisher.publishChange(change);
  }

  /**
   * Runs `task` every `everyMs` while the engine runs (from `start()` until `close()`),
   * never two at once: housekeeping that belongs with the engine's own sweeps, e.g. the
   * resumable route's removal of unfinished uploads. The task handles its own failures.
   */
  addSweep(everyMs: number, task: () => Promise<unknown>): void {
    if (this.#state === 'running') this.#every(everyMs, task);
    else if (this.#state === 'new') this.#sweeps.push({ everyMs, task });
  }

  #every(ms: number, task: () => Promise<unknown>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      // Periodic tasks log their own failures and never reject.
      void task().finally(() => (busy = false));
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  async #releaseExpiredHolds(): Promise<void> {
    const { store, logger } = this.#options;
    try {
      const transitions = await store.control.releaseExpiredHolds();
      if (transitions.length > 0) logger.info({ batches: transitions.length }, 'released holds of batches no more files came for');
      for (const transition of transitions) this.#publishChange(transition);
    } catch (error) {
      logger.error({ ...errorFields(error) }, 'releasing expired holds failed');
    }
  }

  async #reclaimExpired(): Promise<void> {
    const { store, maxAttempts, logger } = this.#options;
    try {
      const transitions = await store.queue.reclaimExpired({
        maxAttempts,
        error: { code: 'WORKER_LOST', message: FILE_ERRORS.WORKER_LOST },
      });
      if (transitions.length > 0) {
        logger.info({ files: transitions.length }, 'reclaimed files whose worker stopped');
        for (const transition of transitions) {
          this.#publishChange(transition);
          if (transition.file?.status === 'failed') {
            const { batch_id, workspace_id } = transition;
            this.#publisher.publishFailed({
              batch_id,
              workspace_id,
              file_id: transition.file.id,
              error_code: 'WORKER_LOST',
              attempts: transition.file.attempts,
            });
          }
        }
        this.#wakeWorkers();
      }
    } catch (error) {
      logger.error({ ...errorFields(error) }, 'reclaiming expired leases failed');
    }
  }
}
