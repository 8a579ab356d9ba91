import { html, type TemplateResult } from 'lit';
import type { BatchOutcome, SessionFileStatus } from '@batch-uploader/sdk';

/** The icon names: every file status, and a few for the chrome. */
export type IconName = SessionFileStatus | 'paused' | 'upload' | 'warning' | 'pdf' | 'image';

// 24×24 outlines drawn with the current colour. Icons always sit next to a text: they
// are decoration (aria-hidden), never the only sign of a status.
const PATHS: Record<IconName, string> = {
  queued: 'M6 3h8l4 4v14H6z',
  checking: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14m10 3-5-5',
  uploading: 'M12 19V5m-6 6 6-6 6 6',
  pending: 'M12 7v5l3 2m6-2a9 9 0 1 1-18 0 9 9 0 0 1 18 0',
  processing: 'M21 12a9 9 0 1 1-3-6.7M21 4v5h-5',
  completed: 'M5 12.5l4.5 4.5L19 7',
  failed: 'M12 7v6m0 4v.5M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0',
  cancelled: 'M5.6 5.6l12.8 12.8M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0',
  paused: 'M10 9v6m4-6v6m7-3a9 9 0 1 1-18 0 9 9 0 0 1 18 0',
  upload: 'M12 15V3m-5 5 5-5 5 5M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4',
  warning: 'M12 9v4m0 4v.5M10.3 3.9 2.4 18a2 2 0 0 0 1.7 3h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0',
  pdf: 'M6 3h8l4 4v14H6zm8 0v4h4M9 12h6m-6 4h6',
  image: 'M4 5h16v14H4zm0 11 5-5 4 4 2-2 5 5m-5-8.5v.01',
};

/** An inline SVG icon, hidden from assistive technology. */
export function icon(name: IconName): TemplateResult {
  return html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d=${PATHS[name]} /></svg>`;
}

/** The icon of a batch's outcome: a check, a warning, a failure, or cancelled. */
export const OUTCOME_ICONS: Readonly<Record<BatchOutcome, IconName>> = { succeeded: 'completed', partial: 'warning', failed: 'failed', cancelled: 'cancelled' };
