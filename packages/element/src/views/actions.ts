import { html, nothing, type TemplateResult } from 'lit';
import { selectCanPause, selectCanResume, selectCounts, type SessionState } from '@batch-uploader/sdk';
import type { BatchUploaderStrings } from '../strings.js';

/** The intents the buttons send. */
export interface ActionHandlers {
  onClear: () => void;
  onStart: () => void;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  onReset: () => void;
}

/**
 * The row of buttons for what can be done now: Clear all and Start while picking files;
 * Pause or Resume, and Cancel, while the batch runs; Upload another batch once it
 * finished (Retry failed is in the outcome, next to the files it retries).
 */
export function actions(state: SessionState, t: BatchUploaderStrings, on: ActionHandlers): TemplateResult | typeof nothing {
  // While reconnecting, what needs the server waits: shown, focusable, but inactive
  // (aria-disabled rather than disabled, so a focused button keeps the focus).
  const offline = state.connection === 'reconnecting';
  const button = (name: string, label: string, onClick: () => void, primary = false, needsServer = true) =>
    html`<button
      part="button ${name}-button"
      class="button ${primary ? 'primary' : ''}"
      type="button"
      aria-disabled=${offline && needsServer ? 'true' : 'false'}
      @click=${offline && needsServer ? noop : onClick}
    >
      ${label}
    </button>`;
  const buttons: TemplateResult[] = [];
  const { queued } = selectCounts(state);
  if (state.phase === 'idle' && queued > 0) {
    buttons.push(button('clear', t.clear, on.onClear, false, false), button('start', t.start(queued), on.onStart, true));
  } else if (state.phase === 'uploading' || state.phase === 'processing') {
    // Paused, resuming is the next thing to do (and takes the focus from Pause).
    if (selectCanPause(state)) buttons.push(button('pause', t.pause, on.onPause));
    if (selectCanResume(state)) buttons.push(button('resume', t.resume, on.onResume, true));
    buttons.push(button('cancel', t.cancel, on.onCancel));
  } else if (state.phase === 'finished') {
    buttons.push(button('reset', t.reset, on.onReset, true, false));
  }
  return buttons.length > 0 ? html`<div part="actions" class="actions">${buttons}</div>` : nothing;
}

function noop(): void {}
