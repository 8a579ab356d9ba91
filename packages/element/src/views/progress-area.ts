import { html, nothing, type TemplateResult } from 'lit';
import { selectCounts, selectProgress, type SessionState } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';
import { statusCards } from './status-cards.js';

/**
 * The overall progress bar — a native progressbar with a value text ("Uploading: 40%",
 * "12 of 50 files done") — and the status cards under it.
 */
export function progressArea(state: SessionState, t: BatchUploaderStrings): TemplateResult {
  const counts = selectCounts(state);
  const { percent } = selectProgress(state);
  const paused = state.batchStatus === 'paused';
  const text = state.phase === 'uploading' ? t.uploading(percent) : t.processed(counts.finished, counts.total);
  return html`<div part="progress-area" class="progress-area">
    <div class="progress-head">
      <span id="progress-label">${t.progress}</span>
      ${paused ? html`<span part="paused" class="paused-badge">${icon('paused')}${t.paused}</span>` : nothing}
      <span aria-hidden="true">${text}</span>
    </div>
    <progress part="progress" max="100" .value=${percent} aria-labelledby="progress-label" aria-valuetext=${paused ? `${t.paused}: ${text}` : text}></progress>
    ${statusCards(counts, t)}
  </div>`;
}
