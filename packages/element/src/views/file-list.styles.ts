import { css } from 'lit';

// The file list's styles: a windowed grid whose rows are placed by the window controller
// and have the height their content takes (a name on two lines, a reason in full).
export default css`
  .list {
    max-height: var(--_list);
    overflow-x: hidden;
    overflow-y: auto;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    /* Rows lay out by the list's width, not the window's: the element may sit in a narrow column. */
    container-type: inline-size;
  }
  .rows {
    position: relative;
  }
  .row {
    position: absolute;
    inset-inline: 0;
    display: flex;
    min-height: var(--_row);
    border-bottom: 1px solid var(--_surface);
    /* Rows are placed by the windowing: a change in one row lays out and paints that row
       alone, not the list around it (its new height moves the others at the next render). */
    contain: layout paint style;
  }
  .cell {
    flex: 1;
    min-width: 0;
    display: grid;
    grid-template-columns: 7.5rem minmax(0, 1fr) auto;
    grid-template-areas: 'status name size' '. detail detail';
    align-items: center;
    align-content: center;
    column-gap: 0.75rem;
    padding: 0.25rem 0.75rem;
  }
  .cell:focus-visible,
  .remove:focus-visible {
    /* Inside the row: the row clips what is outside it. */
    outline-offset: -3px;
  }
  .remove-cell {
    flex: none;
    display: flex;
    align-items: center;
    padding: 0.25rem 0.5rem 0.25rem 0;
  }
  .file-status {
    grid-area: status;
    display: flex;
    align-items: center;
    gap: 0.375rem;
    font-size: 0.875em;
  }
  .file-name,
  .file-size,
  .detail {
    color: var(--_text);
  }
  /* The name shortened in the middle when it does not fit: the head is cut with an
     ellipsis, the tail (the last characters and the extension) always shows, right after it. */
  .file-name {
    grid-area: name;
    display: flex;
    min-width: 0;
    white-space: nowrap;
  }
  .file-name > .icon {
    flex: none;
    margin-inline-end: 0.25rem;
    color: var(--_muted);
  }
  /* An image's preview, in place of its icon: a square of the icon's size, cropped. */
  .thumbnail {
    flex: none;
    width: 1.25em;
    height: 1.25em;
    margin-inline-end: 0.25rem;
    object-fit: cover;
    border-radius: 2px;
    outline: 1px solid var(--_border);
  }
  .name-head {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .name-tail {
    flex: none;
  }
  .file-size {
    grid-area: size;
    color: var(--_muted);
    font-size: 0.875em;
    white-space: nowrap;
  }
  .remove {
    width: 2.25rem;
    height: 2.25rem;
    background: none;
    border: 1px solid transparent;
    font-size: 1.25rem;
    line-height: 1;
  }
  .remove:hover {
    border-color: var(--_border);
  }
  .detail {
    grid-area: detail;
    display: block;
    min-width: 0;
    font-size: 0.875em;
  }
  /* The server's reason in full, on as many lines as it takes. */
  .file-error {
    display: block;
    color: var(--_failed);
    overflow-wrap: anywhere;
  }
  /* Narrow (a phone, a side column): the name gets the whole first line; status and size under it. */
  @container (max-width: 30rem) {
    .cell {
      grid-template-columns: minmax(0, 1fr) auto;
      grid-template-areas: 'name name' 'status size' 'detail detail';
      row-gap: 0.125rem;
    }
  }
`;
