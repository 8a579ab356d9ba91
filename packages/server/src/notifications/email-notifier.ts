import { BackgroundWrites } from '../delivery/background-writes.js';
import type { FinishedBatch, OutcomeListener } from '../engine/outcome-listener.js';
import { errorFields, type Logger } from '../logger.js';
import type { BatchRecords } from '../store/batch-records.js';
import type { Outbox } from '../store/outbox.js';
import { batchEmail } from './batch-email.js';
import { isEmailAddress, type Mailbox } from './email-address.js';
import type { ResolvedEmailOptions } from './email-options.js';

/** The outbox channel of batch emails. */
export const EMAIL_CHANNEL = 'email';

/** An email as the outbox keeps it (its `body`, as JSON): everything needed to send it, later, by any process. */
export interface StoredEmail {
  from: Mailbox;
  to: string[];
  subject: string;
  text: string;
  /** The Message-ID header, the same on every attempt, so a mail client shows a repeat once. */
  message_id: string;
}

/**
 * Writes the email of each finished batch into the store's outbox, in the background of
 * the change that finished it (the caller never waits). The recipients are asked then,
 * so the stored message is complete: a restart, or another process, sends it as it is.
 * Its id is derived from the batch and the time it finished, so one finish is stored
 * once even when several processes report it; a batch retried and finished again gets a
 * new email.
 */
export class EmailNotifier implements OutcomeListener {
  readonly #writes = new BackgroundWrites();

  constructor(
    private readonly store: { records: BatchRecords; outbox: Outbox },
    private readonly options: ResolvedEmailOptions,
    private readonly logger: Logger,
    private readonly enqueued: () => void,
  ) {}

  /** A batch finished (completed, with failures, or cancelled): records its email. */
  batchFinished({ workspace_id, batch_id }: FinishedBatch): void {
    this.#writes.run(async () => {
      try {
        await this.#write(workspace_id, batch_id);
      } catch (error) {
        this.logger.error({ batch_id, ...errorFields(error) }, 'recording a batch email failed');
      }
    });
  }

  /** A file failed for good: the batch's email, once it finishes, counts it. */
  fileFailed(): void {}

  /** A file held for review: the batch's email, once it finishes, counts it. */
  fileNeedsReview(): void {}

  /** Waits until every email handed over so far is written (or failed to be). */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  async #write(workspaceId: string, batchId: string): Promise<void> {
    const found = await this.store.records.getBatch(workspaceId, batchId);
    const finishedAt = found?.batch.finished_at;
    if (!found || !finishedAt) return;
    const { batch, files } = found;

    const to = await this.#recipients(workspaceId, batchId);
    if (to.length === 0) {
      this.logger.debug({ batch_id: batchId }, 'no recipients for the batch email; none sent');
      return;
    }
    const content = batchEmail(batch, files, this.#link(batch.id, workspaceId));
    const id = `email:${batch.id}:${finishedAt.getTime()}`;
    const email: StoredEmail = {
      from: this.options.from,
      to,
      ...content,
      message_id: `<batch-${batch.id}.${finishedAt.getTime()}@${this.options.from.address.split('@')[1]!}>`,
    };
    const stored = await this.store.outbox.enqueue({ id, channel: EMAIL_CHANNEL, type: 'batch.finished', body: JSON.stringify(email) });
    if (stored) this.enqueued();
  }

  /** The host's recipients for the workspace, checked and without repeats; a bad address is left out (and logged, without it). */
  async #recipients(workspaceId: string, batchId: string): Promise<string[]> {
    const given: unknown = await this.options.recipients({ workspace_id: workspaceId });
    if (!Array.isArray(given)) {
      this.logger.error({ batch_id: batchId }, 'email recipients must be a list of addresses; no email for this batch');
      return [];
    }
    const addresses = given.map((address: unknown) => (typeof address === 'string' ? address.trim() : ''));
    const good = addresses.filter(isEmailAddress);
    if (good.length < addresses.length) {
      this.logger.warn({ batch_id: batchId, left_out: addresses.length - good.length }, 'email recipients that are not addresses were left out');
    }
    return [...new Set(good)];
  }

  /** The host's link to the batch, when it gives an http(s) URL. */
  #link(batchId: string, workspaceId: string): string | null {
    const { batchLink } = this.options;
    if (!batchLink) return null;
    let text: unknown;
    try {
      text = batchLink({ batch_id: batchId, workspace_id: workspaceId });
    } catch (error) {
      this.logger.warn({ batch_id: batchId, ...errorFields(error) }, 'the batch link could not be made; the email has none');
      return null;
    }
    if (text === null || text === undefined) return null;
    try {
      const url = new URL(String(text));
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // Reported below.
    }
    this.logger.warn({ batch_id: batchId }, 'the batch link is not an http(s) URL; the email has none');
    return null;
  }
}
