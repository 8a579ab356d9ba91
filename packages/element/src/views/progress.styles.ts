import { css } from 'lit';

/**
 * The steps of a batch and the progress bar in segments: the share sent (light, under
 * everything), then completed (solid), failed (striped, so that it differs by more than
 * colour) and cancelled. The shares come in custom properties set on the bar.
 */
export default css`
  .progress-head {
    flex-wrap: wrap;
    align-items: baseline;
  }
  .progress-text {
    font-weight: 400;
    margin-inline-start: auto;
  }
  .steps {
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    font-size: 0.875em;
  }
  .step {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
  }
  .step.done {
    color: var(--_completed);
  }
  .step.current {
    font-weight: 700;
    color: var(--_processing);
  }
  .step.next {
    color: var(--_muted);
  }
  /* Files a reload cut off are still to send, while those that arrived are processed (the step in force). */
  .step.interrupted {
    font-weight: 700;
    color: var(--_warning);
  }
  .step > .icon {
    width: 1em;
    height: 1em;
  }
  /* A card's word goes under its count rather than out of a narrow card. */
  .card {
    flex-wrap: wrap;
    row-gap: 0;
  }
  .bar {
    position: relative;
    height: 0.75rem;
    border-radius: 999px;
    overflow: hidden;
    background: var(--_surface);
    box-shadow: inset 0 0 0 1px var(--_border);
    forced-color-adjust: none;
  }
  .bar-sent,
  .bar-done {
    position: absolute;
    inset-block: 0;
    inset-inline-start: 0;
  }
  .bar-sent {
    inline-size: var(--sent, 0%);
    background: color-mix(in srgb, var(--_accent) 30%, transparent);
    transition: inline-size 0.2s;
  }
  .bar-done {
    display: flex;
    inline-size: 100%;
  }
  .seg {
    flex: none;
    transition: inline-size 0.2s;
  }
  .seg.completed {
    inline-size: var(--completed, 0%);
    background: var(--_completed);
  }
  .seg.failed {
    inline-size: var(--failed, 0%);
    background: repeating-linear-gradient(-45deg, var(--_failed) 0 4px, color-mix(in srgb, var(--_failed) 55%, var(--_bg)) 4px 7px);
  }
  .seg.cancelled {
    inline-size: var(--cancelled, 0%);
    background: var(--_cancelled);
  }
`;
