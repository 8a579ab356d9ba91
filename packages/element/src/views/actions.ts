import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
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
 * One button: its action (the key of its DOM), label, intent, whether it is the primary
 * one, and whether it needs the server (inactive while reconnecting; default true).
 */
type Action = [name: string, label: string, onClick: () => void, primary?: boolean, needsServer?: boolean];

/**
 * The row of buttons for what can be done now: Clear all and Start while picking files;
 * Pause or Resume, and Cancel, while the batch runs; Upload another batch once it
 * finished (Retry failed is in the outcome, next to the files it retries). Buttons are
 * keyed by action: a button element is one action for its whole life, so a focused Pause
 * never turns into another action under the keyboard (it goes away, and focus moves on).
 */
export function actions(state: SessionState, t: BatchUploaderStrings, on: ActionHandlers): TemplateResult | typeof nothing {
  // While reconnecting, what needs the server waits: shown, focusable, but inactive
  // (aria-disabled rather than disabled, so a focused button keeps the focus).
  const offline = state.connection === 'reconnecting';
  const buttons: Action[] = [];
  const { queued } = selectCounts(state);
  if (state.phase === 'idle' && queued > 0) {
    buttons.push(['clear', t.clear, on.onClear, false, false], ['start', t.start(queued), on.onStart, true]);
  } else if (state.phase === 'uploading' || state.phase === 'processing') {
    // Paused, resuming is the next thing to do (and takes the focus from Pause).
    if (selectCanPause(state)) buttons.push(['pause', t.pause, on.onPause]);
    if (selectCanResume(state)) buttons.push(['resume', t.resume, on.onResume, true]);
    buttons.push(['cancel', t.cancel, on.onCancel]);
  } else if (state.phase === 'finished') {
    buttons.push(['reset', t.reset, on.onReset, true, false]);
  }
  if (buttons.length === 0) return nothing;
  return html`<div part="actions" class="actions">
    ${repeat(
      buttons,
      ([name]) => name,
      ([name, label, onClick, primary, needsServer = true]) => {
        const waiting = offline && needsServer;
        return html`<button
          part="button ${name}-button"
          class="button ${primary ? 'primary' : ''}"
          type="button"
          aria-disabled=${waiting ? 'true' : 'false'}
          @click=${waiting ? noop : onClick}
        >
          ${label}
        </button>`;
      },
    )}
  </div>`;
}

function noop(): void {}
