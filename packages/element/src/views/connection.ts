import { html, nothing, type TemplateResult } from 'lit';
import type { SessionState } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/**
 * While the server cannot be reached during a batch: "Reconnecting…", what goes on
 * meanwhile, and Reconnect now. Not a live region itself: the announcer says it, once.
 */
export function reconnecting(state: SessionState, t: BatchUploaderStrings, onReconnect: () => void): TemplateResult | typeof nothing {
  if (state.connection !== 'reconnecting') return nothing;
  return html`<div part="connection" class="notice connection">
    <span class="notice-icon spin">${icon('processing')}</span>
    <div class="notice-body">
      <strong>${t.reconnecting}</strong>
      <span>${t.reconnectingDetail}</span>
    </div>
    <button part="button reconnect-button" class="button" type="button" @click=${onReconnect}>${t.reconnectNow}</button>
  </div>`;
}

/** What the interrupted notice's buttons do. */
export interface InterruptedHandlers {
  /** The person picked files in the notice's picker. */
  onFiles: (files: File[]) => void;
  onFinishWithout: () => void;
}

/**
 * After a reload cut an upload short: "Upload interrupted: 2 of 9 files were not sent",
 * a way to add them (a file picker) and to finish without them. Both need the server:
 * disabled while reconnecting or sending.
 */
export function interrupted(state: SessionState, t: BatchUploaderStrings, accept: string, on: InterruptedHandlers): TemplateResult | typeof nothing {
  const gap = state.interrupted;
  if (!gap) return nothing;
  const missing = gap.expected - gap.received;
  const blocked = gap.sending || state.connection === 'reconnecting';
  const pick = (event: Event) => {
    const button = event.currentTarget as HTMLElement;
    if (!blocked) button.parentElement!.querySelector('input')!.click();
  };
  const picked = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = ''; // The same files may be picked again after a failure.
    if (files.length > 0) on.onFiles(files);
  };
  return html`<div part="interrupted" class="notice interrupted">
    <span class="notice-icon">${icon('warning')}</span>
    <div class="notice-body">
      <strong>${t.interrupted(missing, gap.expected)}</strong>
      <span>${gap.sending ? t.sendingMissing : t.interruptedDetail}</span>
    </div>
    <div class="notice-actions">
      <input type="file" multiple hidden accept=${accept} @change=${picked} />
      <button part="button add-missing-button" class="button primary" type="button" aria-disabled=${blocked ? 'true' : 'false'} @click=${pick}>
        ${t.addMissing(missing)}
      </button>
      <button part="button finish-without-button" class="button" type="button" aria-disabled=${blocked ? 'true' : 'false'} @click=${() => (blocked ? null : on.onFinishWithout())}>
        ${t.finishWithout}
      </button>
    </div>
  </div>`;
}
