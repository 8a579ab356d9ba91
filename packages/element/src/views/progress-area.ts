import { html, nothing, type TemplateResult } from 'lit';
import { selectCounts, selectProgress, type SessionState } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';
import { statusCards } from './status-cards.js';

/**
 * The progress of a batch as one story in two steps: the steps ("Uploading" → "Uploaded",
 * then "Processing"; "Upload interrupted" while files a reload cut off are still to send), the value in words ("Uploading: 3 of 9 files sent (45%)", then
 * "Processing: 4 of 9 files done"), one bar and the status cards. The bar never goes back:
 * the share of bytes sent fills it lightly while uploading and stays full, and the shares
 * of completed, failed (striped) and cancelled files grow over it. It is a `progressbar`
 * whose value text says the step, the count and the shares ("Processing: 4 of 9 files
 * done: 3 completed, 1 failed"); at the end it names the shares alone. The section takes
 * focus from script (after Start and Retry failed: the button that had it is gone).
 * `context` names the batch in the header: the host's label or the patient ID masked.
 */
export function progressArea(state: SessionState, t: BatchUploaderStrings, level: number, context: TemplateResult | typeof nothing = nothing): TemplateResult {
  const counts = selectCounts(state);
  const { percent, uploadPercent, filesSent, shares } = selectProgress(state);
  const paused = state.batchStatus === 'paused';
  const uploading = state.phase === 'uploading';
  const finished = state.phase === 'finished';
  // A reload cut the upload short: the files that arrived are processed, the rest are still to send.
  const interrupted = state.interrupted !== null && !state.interrupted.sending;
  const text = uploading
    ? t.sending(filesSent, counts.total, uploadPercent)
    : finished
      ? t.processed(counts.finished, counts.total)
      : t.processing(counts.finished, counts.total);
  const value = uploading ? text : `${text}: ${t.shares(counts)}`;
  // A share of a few files in thousands would not show: at least a sliver.
  const width = (share: number, n: number) => (n > 0 ? Math.max(share, 0.75) : 0);
  const bar = `--sent:${shares.sent}%;--completed:${width(shares.completed, counts.completed)}%;--failed:${width(shares.failed, counts.failed)}%;--cancelled:${width(shares.cancelled, counts.cancelled)}%`;
  return html`<section part="progress-area" class="progress-area" tabindex="-1" aria-labelledby="progress-label">
    <div class="progress-head">
      <div id="progress-label" role="heading" aria-level=${level}>${t.progress}</div>
      ${context}
      ${paused ? html`<span part="paused" class="paused-badge">${icon('paused')}${t.paused}</span>` : nothing}
      <span class="progress-text" aria-hidden="true">${text}</span>
    </div>
    ${
      finished
        ? nothing
        : html`<ol part="steps" class="steps" aria-label=${t.stepsLabel}>
          <li class=${uploading ? 'step current' : interrupted ? 'step interrupted' : 'step done'} aria-current=${uploading ? 'step' : nothing}>
            ${
              interrupted
                ? html`${icon('warning')}${t.steps.interrupted}`
                : html`${icon(uploading ? 'uploading' : 'completed')}${uploading ? t.steps.uploading : t.steps.uploaded}`
            }
          </li>
          <li class=${uploading ? 'step next' : 'step current'} aria-current=${uploading ? nothing : 'step'}>${icon('processing')}${t.steps.processing}</li>
        </ol>`
    }
    <div
      part="progress"
      class="bar"
      role="progressbar"
      aria-labelledby="progress-label"
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${percent}
      aria-valuetext=${paused ? `${t.paused}: ${value}` : value}
      .style=${bar}
    >
      <span class="bar-sent"></span><span class="bar-done"><span class="seg completed"></span><span class="seg failed"></span><span class="seg cancelled"></span></span>
    </div>
    ${statusCards(state.phase, counts, t)}
  </section>`;
}
