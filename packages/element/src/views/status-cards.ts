import { html, type TemplateResult } from 'lit';
import type { SessionCounts, SessionFileStatus, SessionPhase } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/**
 * The status cards, each with count, icon and text (never colour alone), agreeing with
 * the rows: while uploading, "Uploading" for the files being sent (and the other statuses
 * once files have them: a large batch goes in several requests); while processing, the
 * four cards — pending, processing, completed, failed — and cancelled when there are
 * some; at the end only the cards that count something.
 */
export function statusCards(phase: SessionPhase, counts: SessionCounts, strings: BatchUploaderStrings): TemplateResult {
  const cards: Array<[SessionFileStatus, number, boolean]> =
    phase === 'uploading'
      ? [
          ['uploading', counts.queued + counts.uploading, true],
          ['pending', counts.pending, false],
        ]
      : [['pending', counts.queued + counts.uploading + counts.pending, phase !== 'finished']];
  const always = phase === 'processing';
  cards.push(
    ['processing', counts.processing, always],
    ['completed', counts.completed, always],
    ['failed', counts.failed, always],
    ['cancelled', counts.cancelled, false],
  );
  return html`<ul part="status-cards" class="cards" aria-label=${strings.statusCards}>
    ${cards
      .filter(([, count, shown]) => shown || count > 0)
      .map(
        ([status, count]) =>
          html`<li part="status-card status-card-${status}" class="card ${status}">
            ${icon(status)}<span class="count">${count}</span> <span class="label">${strings.status[status]}</span>
          </li>`,
      )}
  </ul>`;
}
