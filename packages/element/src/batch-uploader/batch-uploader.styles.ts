import { css } from 'lit';

// The element's one stylesheet, about 400 lines of CSS, kept whole: the shadow root adopts it
// whole, so parts would only be joined again. Public knobs are --batch-*; each maps to a
// private --_* with a light and a dark default (light-dark(), by the host's color-scheme),
// so a page sets one custom property and it wins in both schemes.
export default css`
  :host {
    --_font: var(--batch-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_radius: var(--batch-radius, 8px);
    --_space: var(--batch-spacing, 1rem);
    --_text: var(--batch-color-text, light-dark(#1f2937, #e5e7eb));
    --_muted: var(--batch-color-muted, light-dark(#4b5563, #9ca3af));
    --_bg: var(--batch-color-background, light-dark(#fff, #111827));
    --_surface: var(--batch-color-surface, light-dark(#f3f4f6, #1f2937));
    --_border: var(--batch-color-border, light-dark(#9ca3af, #6b7280));
    --_accent: var(--batch-color-accent, light-dark(#1d4ed8, #93c5fd));
    --_on-accent: var(--batch-color-on-accent, light-dark(#fff, #111827));
    --_focus: var(--batch-color-focus, light-dark(#2563eb, #93c5fd));
    --_pending: var(--batch-color-pending, light-dark(#a16207, #facc15));
    --_processing: var(--batch-color-processing, light-dark(#1d4ed8, #60a5fa));
    --_completed: var(--batch-color-completed, light-dark(#15803d, #4ade80));
    --_failed: var(--batch-color-failed, light-dark(#b91c1c, #f87171));
    --_cancelled: var(--batch-color-cancelled, light-dark(#4b5563, #9ca3af));
    --_row: var(--batch-row-height, 3.25rem);
    --_list: var(--batch-list-height, 20rem);
    display: block;
    position: relative;
    /* Follows the system's light or dark mode; a page sets batch-uploader { color-scheme: light } to pin one. */
    color-scheme: light dark;
    font-family: var(--_font);
    font-size: 1rem;
    line-height: 1.4;
    color: var(--_text);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .base {
    display: grid;
    gap: calc(var(--_space) * 0.75);
    padding: var(--_space);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .icon {
    width: 1.25em;
    height: 1.25em;
    flex: none;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
    border-radius: calc(var(--_radius) * 0.75);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .drop {
    display: grid;
    justify-items: center;
    gap: 0.25rem;
    width: 100%;
    padding: calc(var(--_space) * 1.5) var(--_space);
    background: var(--_surface);
    border: 2px dashed var(--_border);
    border-radius: var(--_radius);
    text-align: center;
  }
  .drop .icon {
    width: 2rem;
    height: 2rem;
    color: var(--_accent);
  }
  .drop:hover,
  .drop.active {
    border-color: var(--_accent);
  }
  .drop.active {
    border-style: solid;
    box-shadow: inset 0 0 0 2px var(--_accent);
  }
  .folder {
    justify-self: center;
  }
  .drop-text {
    font-weight: 600;
  }
  .hint,
  .muted {
    color: var(--_muted);
    font-size: 0.875em;
  }
  /* A refused file's name may be one long word: it wraps anywhere rather than widen the page. */
  .messages,
  .alert {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
    overflow-wrap: anywhere;
    padding: 0.5rem 0.75rem;
    border-inline-start: 4px solid var(--_pending);
    background: var(--_surface);
    border-radius: calc(var(--_radius) * 0.5);
  }
  .messages ul {
    flex: 1;
  }
  .messages > .icon {
    color: var(--_pending);
  }
  .alert {
    border-color: var(--_failed);
  }
  .alert > .icon,
  .error-text {
    color: var(--_failed);
  }
  .link {
    background: none;
    border: none;
    padding: 0.125rem 0.25rem;
    text-decoration: underline;
  }
  .field {
    display: grid;
    gap: 0.25rem;
  }
  .field label {
    font-weight: 600;
  }
  .field input {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.5);
    padding: 0.5rem;
    max-width: 20rem;
  }
  .field input[aria-invalid='true'] {
    border-color: var(--_failed);
  }
  .field-error {
    margin: 0;
    color: var(--_failed);
  }
  .progress-area {
    display: grid;
    gap: 0.5rem;
  }
  .progress-head {
    display: flex;
    justify-content: space-between;
    gap: 1rem;
    font-weight: 600;
  }
  .paused-badge {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    margin-inline-end: auto;
    color: var(--_pending);
  }
  progress {
    appearance: none;
    width: 100%;
    height: 0.75rem;
    border: none;
    border-radius: 999px;
    overflow: hidden;
    background: var(--_surface);
    color: var(--_accent);
  }
  progress::-webkit-progress-bar {
    background: var(--_surface);
  }
  progress::-webkit-progress-value {
    background: var(--_accent);
    transition: width 0.2s;
  }
  progress::-moz-progress-bar {
    background: var(--_accent);
  }
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr));
    gap: 0.5rem;
  }
  .card {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.5rem 0.75rem;
    background: var(--_surface);
    border-radius: calc(var(--_radius) * 0.75);
    border-inline-start: 4px solid currentColor;
  }
  .card .count {
    font-size: 1.25em;
    font-weight: 700;
    color: var(--_text);
  }
  .card .label {
    color: var(--_text);
  }
  .pending {
    color: var(--_pending);
  }
  .processing,
  .uploading {
    color: var(--_processing);
  }
  .completed {
    color: var(--_completed);
  }
  .review .file-status {
    color: var(--_warning);
  }
  .failed {
    color: var(--_failed);
  }
  .cancelled,
  .queued,
  .checking {
    color: var(--_cancelled);
  }
  .processing > .icon,
  .processing .file-status .icon {
    animation: spin 1.5s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
  .summary {
    margin: 0;
    font-size: 1.125em;
    font-weight: 700;
  }
  .file-progress {
    height: 0.375rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: flex-end;
  }
  .button {
    padding: 0.5rem 1rem;
    border: 1px solid var(--_border);
    background: var(--_bg);
    font-weight: 600;
  }
  .button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  .history {
    display: grid;
    gap: 0.25rem;
    font-size: 0.875em;
  }
  .history-head {
    display: flex;
    justify-content: space-between;
    align-items: center;
  }
  .history .title {
    font-weight: 700;
  }
  .history ul {
    display: grid;
    gap: 0.25rem;
  }
  .history-row,
  .history-file {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
    inline-size: 100%;
    text-align: start;
  }
  .history-row {
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    cursor: pointer;
  }
  .history-text {
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  .history-row > .icon {
    color: var(--_outcome, currentColor);
  }
  .history-outcome {
    font-weight: 600;
  }
  .no-patient,
  .history-meta {
    color: var(--_muted);
  }
  .progress-head .batch-context {
    font-weight: 600;
  }
  .history .batch-context {
    white-space: nowrap;
  }
  .history-detail {
    display: grid;
    gap: 0.5rem;
  }
  .history-detail p {
    margin: 0;
  }
  .history .summary {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
    margin: 0;
    padding: 0.5rem 0.75rem;
    background: var(--_surface);
    border-inline-start: 4px solid var(--_outcome, var(--_border));
  }
  .history-file[data-status='completed'] > .icon {
    color: var(--_completed);
  }
  .history-file[data-status='failed'] > .icon {
    color: var(--_failed);
  }
  .history-file[data-status='cancelled'] > .icon {
    color: var(--_cancelled);
  }
  .history-file[data-status='review'] > .icon {
    color: var(--_warning);
  }
  .history-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .history .more {
    justify-self: start;
  }
  /* The notice's place is after the batch's buttons, before the history; while that
     place is below the window, it sticks to the window's bottom edge (unless in-place,
     below): it may cover the element's own file rows, never the history below it or the
     page around the element. */
  .toast {
    position: sticky;
    inset-block-end: 1rem;
    z-index: 1;
    justify-self: end;
    display: flex;
    align-items: center;
    gap: 0.75rem;
    max-width: min(28rem, 100%);
    padding: 0.75rem 1rem;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_completed);
    border-radius: var(--_radius);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
  }
  .toast .icon {
    color: var(--_completed);
  }
  /* The outcome was in sight when the notice came: it sits in its place, over nothing. */
  .toast.in-place {
    position: static;
    box-shadow: none;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
