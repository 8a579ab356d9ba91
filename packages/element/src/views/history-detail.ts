import { html, nothing, type TemplateResult } from 'lit';
import { TERMINAL_BATCH_STATUSES, type Batch, type BatchFile } from '@batch-uploader/protocol';
import { canRetryFile, outcomeOf, type BatchOutcome } from '@batch-uploader/sdk';
import type { OpenedBatch } from '../controllers/history-controller.js';
import { describeError } from '../events.js';
import type { BatchUploaderStrings } from '../strings.js';
import type { HistoryView } from './history-panel.js';
import { patientOrNone, shortDate } from './history-panel.js';
import { reviewStateOf } from './file-row.js';
import { OUTCOME_ICONS, icon } from './icons.js';

/** A file of a batch read from the server, asked the live outcome's question: may another try make it succeed? */
export function canRetryBatchFile(file: BatchFile): boolean {
  return canRetryFile({ status: file.status, fileId: file.file_id, purgedAt: file.purged_at, error: file.error ?? null });
}

/** The files `Retry failed` is offered for: those of a finished batch, not cancelled, that may pass on another try. */
export function retryableFiles(batch: Batch): number {
  if (!TERMINAL_BATCH_STATUSES.includes(batch.status) || batch.status === 'cancelled') return 0;
  return batch.files.filter(canRetryBatchFile).length;
}

/** What a batch's summary says: "Some files need attention: 2 succeeded, 1 failed". */
export function batchSummary(batch: Batch, t: BatchUploaderStrings): string {
  const summary = t.summary({ ...batch.progress, needsReview: batch.progress.needs_review ?? 0, rejectedAtReview: rejectedAtReview(batch) });
  if (!TERMINAL_BATCH_STATUSES.includes(batch.status)) return `${batch.status === 'paused' ? t.paused : t.status[batch.status]}: ${summary}`;
  return t.finished(summary, t.outcome[batchOutcome(batch)]);
}

// Files rejected at review are known from the files: the progress counts them as completed.
function rejectedAtReview(batch: Batch): number {
  return batch.files.filter((file) => file.review?.decision === 'rejected').length;
}

/** How a batch went, a file rejected at review (not filed to this patient) included. */
function batchOutcome(batch: Batch): BatchOutcome {
  return outcomeOf(batch.status, { ...batch.progress, rejected_at_review: rejectedAtReview(batch) });
}

/**
 * A batch of the history opened in place: its heading (date and time; takes focus when
 * it opens), the patient ID masked and the outcome in words, then every file with its
 * status (icon and word), its reason and what to do when it failed; "Retry failed" for
 * the failures another try may fix (the live outcome's rule: not for damaged files or
 * other types, not in a cancelled batch); "Back to recent batches". The files that need
 * attention (failed, or held for review) come first, each group in the batch's order: in a
 * batch of 50, the one failure is not found by scrolling.
 */
export function historyDetail(opened: OpenedBatch, { strings: t, locale, level, onBack, onRetry }: HistoryView): TemplateResult {
  const { batch, error } = opened;
  const problem = error ? describeError(error) : null;
  const retryable = batch ? retryableFiles(batch) : 0;
  const file = (f: BatchFile) => {
    const code = f.error?.code ?? '';
    const failed = f.status === 'failed';
    const review = reviewStateOf(f);
    return html`<li class="history-file" data-status=${review ? 'review' : f.status}>
      ${icon(review ? 'warning' : f.status)}
      <span class="attention-text">
        <span class="attention-name">${f.filename}</span>
        <span class="history-status">${review ? t.reviewState[review] : t.status[f.status]}${typeof (f.result as { pages?: unknown } | undefined)?.pages === 'number' ? ` · ${t.pages((f.result as { pages: number }).pages)}` : ''}</span>
        ${f.error ? html`<span class="attention-reason">${t.fileError(code, f.error.message)}</span>` : nothing}
        ${
          failed
            ? html`<span class="attention-advice"
                >${canRetryBatchFile(f) && batch?.status !== 'cancelled' ? t.adviceRetry : ((t.advice as Record<string, string | undefined>)[code] ?? t.adviceOther)}</span
              >`
            : nothing
        }
      </span>
    </li>`;
  };
  return html`<div part="history-detail" class="history-detail" role="group" aria-labelledby="history-batch">
    <div id="history-batch" class="title" role="heading" aria-level=${level + 1} tabindex="-1">
      ${batch ? t.historyBatch(shortDate(batch.created_at, locale)) : t.loading}
    </div>
    ${
      batch
        ? html`<p class="history-meta">${patientOrNone(batch.patient_id, t)}</p>
            <p part="history-summary" class="summary ${TERMINAL_BATCH_STATUSES.includes(batch.status) ? `outcome-${batchOutcome(batch)}` : ''}">
              ${icon(TERMINAL_BATCH_STATUSES.includes(batch.status) ? OUTCOME_ICONS[batchOutcome(batch)] : batch.status)}<span>${batchSummary(batch, t)}</span>
            </p>
            <ul part="history-files" class="history-files" aria-label=${t.fileList}>
              ${attentionFirst(batch.files).map(file)}
            </ul>`
        : nothing
    }
    ${problem ? html`<p class="error-text" role="alert">${t.error(problem.code, problem.message)}</p>` : nothing}
    <div class="history-actions">
      ${retryable > 0 && !opened.retrying ? html`<button part="button history-retry-button" class="button" type="button" @click=${onRetry}>${t.retryFailed(retryable)}</button>` : nothing}
      <button part="button back-button" class="button" type="button" @click=${onBack}>${t.historyBack}</button>
    </div>
  </div>`;
}

/** The batch's files with those that need attention (failed, held for review) first; each group keeps its order. */
function attentionFirst(files: readonly BatchFile[]): BatchFile[] {
  const needs = (f: BatchFile) => f.status === 'failed' || reviewStateOf(f) === 'awaiting';
  return [...files.filter(needs), ...files.filter((f) => !needs(f))];
}
