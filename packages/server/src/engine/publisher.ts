import { errorFields, type Logger } from '../logger.js';
import type { FileTransition } from '../store/records.js';
import type { BatchEvents } from './batch-events.js';
import type { FailedFile, FlaggedFile, OutcomeListener } from './outcome-listener.js';

/** A change to a batch: which one, and whether this change finished it. */
export type BatchChangeFacts = Pick<FileTransition, 'batch_id' | 'workspace_id' | 'batch_finished'>;

/**
 * Where the engine tells what happened, from its commands and its workers alike: every
 * change goes to live views (`events`); a batch that finished and a file that failed for
 * good also go to the outcome listeners (webhooks, and whatever else subscribes).
 */
export class Publisher {
  readonly #listeners: OutcomeListener[] = [];

  constructor(
    private readonly events: BatchEvents,
    private readonly logger: Logger,
  ) {}

  /** Subscribes `listener` to final outcomes: a batch finished, a file failed for good. */
  addListener(listener: OutcomeListener): void {
    this.#listeners.push(listener);
  }

  /** A batch changed (a file claimed or finished, a command): live views read it again. */
  publishChange(change: BatchChangeFacts): void {
    const { batch_id, workspace_id, batch_finished } = change;
    this.events.emit({ batch_id, workspace_id, finished: batch_finished });
    if (batch_finished) this.#tell((listener) => listener.batchFinished({ batch_id, workspace_id }));
  }

  /** A file failed for good. */
  publishFailed(file: FailedFile): void {
    this.#tell((listener) => listener.fileFailed(file));
  }

  /** A file completed but is held for review. */
  publishNeedsReview(file: FlaggedFile): void {
    this.#tell((listener) => listener.fileNeedsReview(file));
  }

  /** Waits until every listener has done what it was told so far. */
  async flush(): Promise<void> {
    await Promise.all(this.#listeners.map((listener) => listener.flush()));
  }

  #tell(call: (listener: OutcomeListener) => void): void {
    for (const listener of this.#listeners) {
      try {
        call(listener);
      } catch (error) {
        // A listener's failure is its own; the change it was told of has happened.
        this.logger.error({ ...errorFields(error) }, 'an outcome listener failed');
      }
    }
  }
}
