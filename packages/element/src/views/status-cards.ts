import { html, type TemplateResult } from 'lit';
import type { SessionCounts, SessionFileStatus } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/**
 * The four status cards — pending, processing, completed, failed — each with count,
 * icon and text (never colour alone); a fifth for cancelled files when there are some.
 * Files not yet on the server count as pending.
 */
export function statusCards(counts: SessionCounts, strings: BatchUploaderStrings): TemplateResult {
  const cards: Array<[SessionFileStatus, number]> = [
    ['pending', counts.queued + counts.uploading + counts.pending],
    ['processing', counts.processing],
    ['completed', counts.completed],
    ['failed', counts.failed],
  ];
  if (counts.cancelled > 0) cards.push(['cancelled', counts.cancelled]);
  return html`<ul part="status-cards" class="cards" aria-label=${strings.statusCards}>
    ${cards.map(
      ([status, count]) =>
        html`<li part="status-card status-card-${status}" class="card ${status}">
          ${icon(status)}<span class="count">${count}</span> <span class="label">${strings.status[status]}</span>
        </li>`,
    )}
  </ul>`;
}
