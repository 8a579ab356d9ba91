import { randomUUID } from 'node:crypto';
import type { BatchCompletedData, WebhookEvent } from '@batch-uploader/protocol';
import { BackgroundWrites } from '../delivery/background-writes.js';
import type { FailedFile, FinishedBatch, FlaggedFile, OutcomeListener } from '../engine/outcome-listener.js';
import { errorFields, type Logger } from '../logger.js';
import { batchStatus } from '../store/batch-status.js';
import type { BatchRecords } from '../store/batch-records.js';
import { WEBHOOK_CHANNEL, type Outbox } from '../store/outbox.js';
import type { ResolvedWebhookOptions } from './webhook-options.js';

/**
 * Turns batch and file changes into webhook events in the store's outbox. Called from
 * the processing path, so it never makes the caller wait: each event is written in the
 * background (`flush` awaits what is still being written, on shutdown). Payloads carry
 * ids, counts, statuses and times only — never patient ids, filenames or content.
 */
export class WebhookNotifier implements OutcomeListener {
  readonly #writes = new BackgroundWrites();

  constructor(
    private readonly store: { records: BatchRecords; outbox: Outbox },
    private readonly options: ResolvedWebhookOptions,
    private readonly logger: Logger,
    private readonly enqueued: () => void,
  ) {}

  /** A batch finished: records `batch.completed` with its final counts. */
  batchFinished({ workspace_id, batch_id }: FinishedBatch): void {
    if (!this.options.events.includes('batch.completed')) return;
    this.#write(batch_id, async () => {
      const batch = await this.store.records.getBatchSummary(workspace_id, batch_id);
      if (!batch?.finished_at) return null;
      const data: BatchCompletedData = {
        batch_id: batch.id,
        workspace_id: batch.workspace_id,
        status: batchStatus(batch),
        total_files: batch.total_files,
        counts: { ...batch.counts },
        created_at: batch.created_at.toISOString(),
        finished_at: batch.finished_at.toISOString(),
      };
      return { type: 'batch.completed', data };
    });
  }

  /** A file failed for good: records `file.failed`. */
  fileFailed(data: FailedFile): void {
    if (!this.options.events.includes('file.failed')) return;
    const failedAt = new Date().toISOString();
    this.#write(data.batch_id, async () => ({ type: 'file.failed', data: { ...data, failed_at: failedAt } }));
  }

  /** A file completed but is held for review: records `file.needs_review` (codes and field names only). */
  fileNeedsReview(data: FlaggedFile): void {
    if (!this.options.events.includes('file.needs_review')) return;
    const flaggedAt = new Date().toISOString();
    this.#write(data.batch_id, async () => ({ type: 'file.needs_review', data: { ...data, conflicting: [...data.conflicting], flagged_at: flaggedAt } }));
  }

  /** Waits until every event handed over so far is written (or failed to be). */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  #write(batchId: string, build: () => Promise<Pick<WebhookEvent, 'type' | 'data'> | null>): void {
    this.#writes.run(async () => {
      try {
        const event = await build();
        if (!event) return;
        const id = randomUUID();
        const body = JSON.stringify({ id, type: event.type, created_at: new Date().toISOString(), data: event.data });
        await this.store.outbox.enqueue({ id, channel: WEBHOOK_CHANNEL, type: event.type, body });
        this.enqueued();
      } catch (error) {
        this.logger.error({ batch_id: batchId, ...errorFields(error) }, 'recording a webhook event failed');
      }
    });
  }
}
