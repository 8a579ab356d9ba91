import { css } from 'lit';

/** The reconnecting and interrupted notices, and buttons that wait for the server. */
export default css`
  .notice {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: flex-start;
    padding: 0.5rem 0.75rem;
    border-inline-start: 4px solid var(--_pending);
    background: var(--_surface);
    border-radius: calc(var(--_radius) * 0.5);
  }
  .notice-icon {
    display: inline-flex;
    color: var(--_pending);
  }
  .notice-body {
    flex: 1 1 12rem;
    display: grid;
    gap: 0.125rem;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .notice-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  /* Reconnecting… stays in sight while the element is: scrolled down to the list (as Start
     does), it sticks to the window's top edge over the element's own rows. */
  .connection {
    position: sticky;
    inset-block-start: 0.5rem;
    z-index: 1;
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
  }
  .interrupted {
    border-color: var(--_warning);
  }
  .interrupted .notice-icon {
    color: var(--_warning);
  }
  .spin .icon {
    animation: spin 1.5s linear infinite;
  }
  .button[aria-disabled='true'] {
    opacity: 0.55;
    cursor: not-allowed;
  }
`;
