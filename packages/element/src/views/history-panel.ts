import { html, nothing, type TemplateResult } from 'lit';
import type { BatchSummary } from '@batch-uploader/sdk';
import { describeError } from '../events.js';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/** What the history panel shows. */
export interface HistoryView {
  batches: readonly BatchSummary[] | null;
  error: unknown;
}

/** The workspace's recent batches, newest first: status (icon and text), date and counts. No patient data. */
export function historyPanel(
  { batches, error }: HistoryView,
  strings: BatchUploaderStrings,
  locale: string | undefined,
  onRefresh: () => void,
): TemplateResult {
  const date = (iso: string) => new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
  let body: TemplateResult | typeof nothing = nothing;
  if (error) {
    const { code, message } = describeError(error);
    body = html`<p class="error-text">${strings.error(code, message)}</p>`;
  } else if (batches?.length === 0) {
    body = html`<p class="muted">${strings.historyEmpty}</p>`;
  } else if (batches) {
    body = html`<ul>
      ${batches.map(
        (batch) => html`<li class=${batch.status}>${icon(batch.status)} <span>${batch.status === 'paused' ? strings.paused : strings.status[batch.status]} · ${strings.historyItem(batch, date(batch.created_at))}</span></li>`,
      )}
    </ul>`;
  }
  return html`<section part="history" class="history" aria-labelledby="history-title">
    <div class="history-head">
      <span id="history-title" class="title">${strings.history}</span>
      <button part="refresh-button" class="link" type="button" @click=${onRefresh}>${strings.refresh}</button>
    </div>
    ${body}
  </section>`;
}
