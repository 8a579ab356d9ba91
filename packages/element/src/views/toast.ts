import { html, type TemplateResult } from 'lit';
import type { BatchOutcome } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';
import { OUTCOME_ICONS, icon } from './icons.js';

/** What the notice's owner does when it is closed, or held (pointer or focus on it) and released. */
export interface ToastHandlers {
  onClose: () => void;
  onHold: (by: 'pointer' | 'focus') => void;
  onRelease: (by: 'pointer' | 'focus') => void;
}

/** The completion notice — icon, colour and words of the outcome — with its Close button; `sticky`: see `ToastController.sticky`. */
export function toast(
  text: string,
  outcome: BatchOutcome,
  sticky: boolean,
  t: BatchUploaderStrings,
  { onClose, onHold, onRelease }: ToastHandlers,
): TemplateResult {
  return html`<div
    part="toast"
    class="toast outcome-${outcome}${sticky ? '' : ' in-place'}"
    @pointerenter=${() => onHold('pointer')}
    @pointerleave=${() => onRelease('pointer')}
    @focusin=${() => onHold('focus')}
    @focusout=${() => onRelease('focus')}
  >
    ${icon(OUTCOME_ICONS[outcome])}<span>${text}</span>
    <button class="link" type="button" @click=${onClose}>${t.close}</button>
  </div>`;
}
