import { css } from 'lit';

/**
 * The element's heading; the outcome (summary heading, "Needs attention" group) and the
 * outcome colours used by it, the completion notice and the history: all succeeded green,
 * some need attention amber, all failed red, cancelled grey — always with an icon and
 * words as well.
 */
export default css`
  :host {
    --_warning: var(--batch-color-warning, light-dark(#b45309, #fbbf24));
  }
  .heading {
    font-size: 1.125em;
    font-weight: 700;
  }
  .outcome-succeeded {
    --_outcome: var(--_completed);
  }
  .outcome-partial {
    --_outcome: var(--_warning);
  }
  .outcome-failed {
    --_outcome: var(--_failed);
  }
  .outcome-cancelled {
    --_outcome: var(--_cancelled);
  }
  .outcome-succeeded > .icon,
  .outcome-partial > .icon,
  .outcome-failed > .icon,
  .outcome-cancelled > .icon {
    color: var(--_outcome);
  }
  .outcome {
    display: grid;
    gap: 0.5rem;
  }
  .outcome:focus-visible {
    outline-offset: 4px;
  }
  .outcome .summary {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
    padding: 0.5rem 0.75rem;
    background: var(--_surface);
    border-inline-start: 4px solid var(--_outcome);
    border-radius: calc(var(--_radius) * 0.5);
  }
  .outcome .summary > .icon {
    width: 1.5em;
    height: 1.5em;
  }
  .attention {
    display: grid;
    gap: 0.5rem;
    justify-items: start;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
  }
  .attention-head {
    font-weight: 700;
  }
  .attention-lists {
    display: grid;
    gap: 0.375rem;
    justify-self: stretch;
  }
  .attention-lists.long {
    max-height: min(24rem, 60vh);
    overflow-y: auto;
  }
  .attention-title {
    font-weight: 600;
    font-size: 0.875em;
  }
  .attention-list {
    display: grid;
    gap: 0.375rem;
  }
  .attention-item {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
  }
  .attention-item > .icon {
    margin-top: 0.1em;
  }
  .attention-list[data-list='failed'] > .attention-item > .icon {
    color: var(--_failed);
  }
  .attention-list[data-list='not-sent'] > .attention-item > .icon {
    color: var(--_warning);
  }
  .attention-text {
    display: grid;
    min-width: 0;
  }
  .attention-name {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .attention-reason,
  .attention-advice {
    font-size: 0.875em;
  }
  .attention-advice {
    color: var(--_muted);
  }
  /* Confirm and Reject of a file held for review: under its advice, wrapping on narrow screens. */
  .review-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.375rem;
  }
  .toast.outcome-succeeded,
  .toast.outcome-partial,
  .toast.outcome-failed,
  .toast.outcome-cancelled {
    border-inline-start-color: var(--_outcome);
  }
`;
