import { html, nothing, type TemplateResult } from 'lit';
import { DEFAULT_LIMITS, type ReviewDecision } from '@batch-uploader/protocol';
import {
  canRetryFile,
  selectAttention,
  selectCounts,
  selectOutcome,
  selectRetryableCount,
  type RejectedFile,
  type SessionFile,
  type SessionState,
} from '@batch-uploader/sdk';
import type { AttentionList, OutcomeController } from '../controllers/outcome-controller.js';
import { toMb } from '../format.js';
import type { BatchUploaderStrings } from '../strings.js';
import { OUTCOME_ICONS, icon } from './icons.js';

/** What the outcome shows and where its intents go. */
export interface OutcomeView {
  state: SessionState;
  strings: BatchUploaderStrings;
  /** Level of the summary heading; the group's headings are one and two below. */
  level: number;
  /** How many files of each list are shown. */
  lists: OutcomeController;
  onRetry: () => void;
  /** Staff's decision on a file held for review, by its local id. */
  onReview: (id: string, decision: ReviewDecision) => void;
}

/** One file that needs attention: its name, why, and what to do. */
interface Item {
  id: string;
  name: string;
  reason: string;
  advice: string;
  /** Confirm and Reject, for a file held for review. */
  actions?: TemplateResult;
}

/**
 * How a finished batch went, first: a heading with the outcome's icon, colour and words
 * and the counts ("Some files need attention: 7 succeeded, 2 failed, 3 not sent"); then,
 * when files are held for review, failed or were refused before sending, the group
 * "Needs attention (N)" — first the files held for review (a document naming another
 * patient) with Confirm and Reject, then the failed files and the files not sent, each
 * with its name, its reason and what to do —
 * and "Retry failed" for the failures another try may fix. The group is outside the
 * windowed file list, so every file of it is in the page once shown: the first few of
 * each list, all of them (in a scrolling box) after "Show N more". `#outcome`
 * (`part="outcome"`) is there whenever a batch finished and takes focus from script.
 */
export function outcome({ state, strings: t, level, lists, onRetry, onReview }: OutcomeView): TemplateResult | typeof nothing {
  const kind = selectOutcome(state);
  if (!kind) return nothing;
  const shown = (list: AttentionList) => lists.shown(list, state.batchId);
  const attention = selectAttention(state);
  const summary = t.summary({ ...selectCounts(state), notSent: attention.notSent.length });
  const review = (f: SessionFile): Item => ({
    id: f.id,
    name: f.name,
    reason: t.fileError(f.review?.reason.code ?? '', f.review?.reason.message ?? ''),
    advice: t.adviceReview,
    actions: html`<span class="review-actions">
      <button part="button review-confirm-button" class="button primary" type="button" aria-label=${t.reviewConfirmLabel(f.name)} @click=${() => onReview(f.id, 'confirm')}>
        ${t.reviewConfirm}
      </button>
      <button part="button review-reject-button" class="button" type="button" aria-label=${t.reviewRejectLabel(f.name)} @click=${() => onReview(f.id, 'reject')}>
        ${t.reviewReject}
      </button>
    </span>`,
  });
  const retryable = selectRetryableCount(state);
  const open = state.batchStatus !== 'cancelled';
  const limits = state.limits ?? DEFAULT_LIMITS;
  const failed = (f: SessionFile): Item => {
    const code = f.error?.code ?? '';
    return {
      id: f.id,
      name: f.name,
      reason: t.fileError(code, f.error?.message ?? ''),
      advice: open && canRetryFile(f) ? t.adviceRetry : ((t.advice as Record<string, string | undefined>)[code] ?? t.adviceOther),
    };
  };
  const notSent = (r: RejectedFile): Item => ({
    id: r.id,
    name: r.name,
    reason: t.notSentReason[r.code]({ name: r.name, maxFiles: limits.max_files, maxSizeMb: toMb(limits.max_file_size) }),
    advice: t.advice[r.code] ?? t.adviceOther,
  });
  const list = <F>(name: AttentionList, heading: string, files: readonly F[], toItem: (f: F) => Item, sign: 'failed' | 'warning') => {
    if (files.length === 0) return nothing;
    const count = Math.min(files.length, shown(name));
    const items: TemplateResult[] = [];
    for (let i = 0; i < count; i++) {
      const item = toItem(files[i]!);
      items.push(
        html`<li part="attention-item" class="attention-item" tabindex="-1" data-id=${item.id}>
          ${icon(sign)}
          <span class="attention-text">
            <span part="attention-name" class="attention-name">${item.name}</span>
            <span part="attention-reason" class="attention-reason">${item.reason}</span>
            <span part="attention-advice" class="attention-advice">${item.advice}</span>
            ${item.actions ?? nothing}
          </span>
        </li>`,
      );
    }
    return html`<div class="attention-title" role="heading" aria-level=${level + 2} id="attention-${name}">${heading}</div>
      <ul part="attention-list" class="attention-list" data-list=${name} aria-labelledby="attention-${name}">
        ${items}
      </ul>
      ${
        count < files.length
          ? html`<button part="attention-more-button" class="link" type="button" @click=${() => void lists.showAll(name)}>${t.attentionMore(files.length - count)}</button>`
          : nothing
      }`;
  };
  const long = shown('review') === Infinity || shown('failed') === Infinity || shown('not-sent') === Infinity;
  return html`<section part="outcome" id="outcome" class="outcome" tabindex="-1" aria-labelledby="outcome-summary">
    <div part="summary" id="outcome-summary" class="summary outcome-${kind}" role="heading" aria-level=${level}>
      ${icon(OUTCOME_ICONS[kind])}<span>${t.finished(summary, t.outcome[kind])}</span>
    </div>
    ${
      attention.total > 0
        ? html`<div part="attention" class="attention">
          <div class="attention-head" role="heading" aria-level=${level + 1} id="attention-title">${t.attention(attention.total)}</div>
          <div class="attention-lists ${long ? 'long' : ''}" role="group" aria-labelledby="attention-title" tabindex=${long ? '0' : nothing}>
            ${list('review', t.attentionReview(attention.needsReview.length), attention.needsReview, review, 'warning')}
            ${list('failed', t.attentionFailed(attention.failed.length), attention.failed, failed, 'failed')}
            ${list('not-sent', t.notSent(attention.notSent.length), attention.notSent, notSent, 'warning')}
          </div>
          ${
            retryable > 0
              ? html`<button part="button retry-button" class="button" type="button" @click=${onRetry}>${t.retryFailed(retryable)}</button>`
              : nothing
          }
        </div>`
        : nothing
    }
  </section>`;
}
