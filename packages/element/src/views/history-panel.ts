import { html, nothing, type TemplateResult } from 'lit';
import { TERMINAL_BATCH_STATUSES } from '@batch-uploader/protocol';
import { outcomeOf, type BatchSummary } from '@batch-uploader/sdk';
import type { OpenedBatch } from '../controllers/history-controller.js';
import { describeError } from '../events.js';
import type { BatchUploaderStrings } from '../strings.js';
import { batchContext } from './batch-context.js';
import { historyDetail } from './history-detail.js';
import { OUTCOME_ICONS, icon } from './icons.js';

/** What the history panel shows and where its intents go. */
export interface HistoryView {
  batches: readonly BatchSummary[] | null;
  error: unknown;
  /** Older batches are left to load. */
  hasMore: boolean;
  /** The batch opened in place of the list; null shows the list. */
  opened: OpenedBatch | null;
  strings: BatchUploaderStrings;
  locale: string | undefined;
  /** Level of the panel's heading. */
  level: number;
  onRefresh: () => void;
  onMore: () => void;
  onOpen: (batchId: string) => void;
  onBack: () => void;
  onRetry: () => void;
}

/** The patient ID masked, or "No patient ID" (the history keeps no label: see the README). */
export function patientOrNone(patientId: string | null, t: BatchUploaderStrings): TemplateResult {
  const context = batchContext('', patientId, t);
  return context === nothing ? html`<span class="no-patient">${t.noPatient}</span>` : context;
}

/** A date and time for people, short. */
export function shortDate(iso: string, locale: string | undefined): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
}

/**
 * The workspace's recent batches, newest first, under a heading. Each row is a button
 * that opens the batch in place: for a finished batch its outcome (all succeeded, some
 * failed, all failed, cancelled: icon, colour and words), for a running one its status;
 * then the patient ID masked (the last 4 characters), the date and time and the counts,
 * so that rows read differently. "Show more" loads older ones. With a batch open, its
 * files show instead of the list (see {@link historyDetail}).
 */
export function historyPanel(view: HistoryView): TemplateResult {
  const { batches, error, hasMore, opened, strings: t, locale, level, onRefresh, onMore, onOpen } = view;
  const problem = error ? describeError(error) : null;
  const row = (batch: BatchSummary) => {
    const running = !TERMINAL_BATCH_STATUSES.includes(batch.status);
    const outcome = running ? null : outcomeOf(batch.status, batch.progress);
    const words = outcome ? t.outcome[outcome] : batch.status === 'paused' ? t.paused : t.status[batch.status];
    return html`<li class=${outcome ? `outcome-${outcome}` : batch.status}>
      <button part="history-row" class="history-row" type="button" data-id=${batch.id} @click=${() => onOpen(batch.id)}>
        ${icon(outcome ? OUTCOME_ICONS[outcome] : batch.status)}
        <span class="history-text"
          ><span class="history-outcome">${words}</span> · ${patientOrNone(batch.patient_id, t)} · ${t.historyItem(batch, shortDate(batch.created_at, locale))}</span
        >
      </button>
    </li>`;
  };
  return html`<section part="history" class="history" aria-labelledby="history-title">
    <div class="history-head">
      <div id="history-title" class="title" role="heading" aria-level=${level}>${t.history}</div>
      ${opened ? nothing : html`<button part="refresh-button" class="link" type="button" @click=${onRefresh}>${t.refresh}</button>`}
    </div>
    ${
      opened
        ? historyDetail(opened, view)
        : html`${batches?.length === 0 ? html`<p class="muted">${t.historyEmpty}</p>` : nothing}
          ${batches?.length ? html`<ul>${batches.map(row)}</ul>` : nothing}
          ${problem ? html`<p class="error-text">${t.error(problem.code, problem.message)}</p>` : nothing}
          ${hasMore ? html`<button part="more-button" class="link more" type="button" @click=${onMore}>${t.historyMore}</button>` : nothing}`
    }
  </section>`;
}
