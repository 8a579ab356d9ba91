import { html, type TemplateResult } from 'lit';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/** The completion notice, with its Close button. */
export function toast(text: string, t: BatchUploaderStrings, onClose: () => void): TemplateResult {
  return html`<div part="toast" class="toast">
    ${icon('completed')}<span>${text}</span>
    <button class="link" type="button" @click=${onClose}>${t.close}</button>
  </div>`;
}
