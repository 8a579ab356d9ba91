import { html, nothing, type TemplateResult } from 'lit';
import { TERMINAL_BATCH_STATUSES } from '@batch-uploader/protocol';
import { outcomeOf, type BatchSummary } from '@batch-uploader/sdk';
import { describeError } from '../events.js';
import type { BatchUploaderStrings } from '../strings.js';
import { OUTCOME_ICONS, icon } from './icons.js';

/** What the history panel shows and where its intents go. */
export interface HistoryView {
  batches: readonly BatchSummary[] | null;
  error: unknown;
  /** Older batches are left to load. */
  hasMore: boolean;
  strings: BatchUploaderStrings;
  locale: string | undefined;
  /** Level of the panel's heading. */
  level: number;
  onRefresh: () => void;
  onMore: () => void;
}

/**
 * The workspace's recent batches, newest first, under a heading: for a finished batch its
 * outcome (all succeeded, some failed, all failed, cancelled: icon, colour and words), for
 * a running one its status; date and counts; "Show more" for older ones. No patient data.
 * The items take focus from script only (tabindex -1), so that after "Show more" focus
 * can move to the first new one.
 */
export function historyPanel({ batches, error, hasMore, strings: t, locale, level, onRefresh, onMore }: HistoryView): TemplateResult {
  const date = (iso: string) => new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
  const problem = error ? describeError(error) : null;
  const item = (batch: BatchSummary) => {
    if (!TERMINAL_BATCH_STATUSES.includes(batch.status)) {
      return html`<li class=${batch.status} tabindex="-1">${icon(batch.status)} <span>${batch.status === 'paused' ? t.paused : t.status[batch.status]} · ${t.historyItem(batch, date(batch.created_at))}</span></li>`;
    }
    const outcome = outcomeOf(batch.status, batch.progress);
    return html`<li class="outcome-${outcome}" tabindex="-1">${icon(OUTCOME_ICONS[outcome])} <span>${t.outcome[outcome]} · ${t.historyItem(batch, date(batch.created_at))}</span></li>`;
  };
  return html`<section part="history" class="history" aria-labelledby="history-title">
    <div class="history-head">
      <div id="history-title" class="title" role="heading" aria-level=${level}>${t.history}</div>
      <button part="refresh-button" class="link" type="button" @click=${onRefresh}>${t.refresh}</button>
    </div>
    ${batches?.length === 0 ? html`<p class="muted">${t.historyEmpty}</p>` : nothing}
    ${
      batches?.length
        ? html`<ul>
          ${batches.map(item)}
        </ul>`
        : nothing
    }
    ${problem ? html`<p class="error-text">${t.error(problem.code, problem.message)}</p>` : nothing}
    ${hasMore ? html`<button part="more-button" class="link more" type="button" @click=${onMore}>${t.historyMore}</button>` : nothing}
  </section>`;
}
