import { html, type TemplateResult } from 'lit';
import type { BatchOutcome } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';
import { OUTCOME_ICONS, icon } from './icons.js';

/** The completion notice — icon, colour and words of the outcome — with its Close button. */
export function toast(text: string, outcome: BatchOutcome, t: BatchUploaderStrings, onClose: () => void): TemplateResult {
  return html`<div part="toast" class="toast outcome-${outcome}">
    ${icon(OUTCOME_ICONS[outcome])}<span>${text}</span>
    <button class="link" type="button" @click=${onClose}>${t.close}</button>
  </div>`;
}
