import { html, nothing, type TemplateResult } from 'lit';
import type { BatchUploaderStrings } from '../strings.js';

/**
 * The characters of a patient ID that may be shown: the last 4, fewer for a short ID
 * (at most half of it), so that the whole ID is never on screen.
 */
export function patientEnd(id: string): string {
  const n = Math.min(4, Math.floor(id.length / 2));
  return n > 0 ? id.slice(-n) : '';
}

/**
 * What tells a batch apart from the others: the host's label when it gave one, else the
 * patient ID masked ("Patient ••••1234"; screen readers hear "Patient ID ending 1234").
 * Nothing when there is neither.
 */
export function batchContext(label: string, patientId: string | null | undefined, t: BatchUploaderStrings): TemplateResult | typeof nothing {
  if (label) return html`<span part="batch-context" class="batch-context">${label}</span>`;
  const end = patientEnd(patientId?.trim() ?? '');
  if (!end) return nothing;
  return html`<span part="batch-context" class="batch-context"
    ><span aria-hidden="true">${t.patientMasked(end)}</span><span class="sr-only">${t.patientSpoken(end)}</span></span
  >`;
}
