import { html, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { SessionFile } from '@batch-uploader/sdk';
import type { WindowRange } from '../controllers/window-controller.js';
import { fileRow, type FileRowContext } from './file-row.js';

/** What the file list shows and where its clicks go. */
export interface FileListView {
  files: readonly SessionFile[];
  /** The rows to render (see `WindowController.range`). */
  range: WindowRange;
  context: FileRowContext;
  /** Accessible name of the list. */
  label: string;
  /** Clicks in the list (remove buttons carry `data-id`). */
  onClick: (event: Event) => void;
}

/**
 * The session's files, windowed: only the rows in `range` are rendered; the space of
 * the others is padding of the inner list, not of the scroller (padding there would make
 * the scroller as tall as all rows). The scroller is focusable, so the list scrolls by
 * keyboard even when its rows hold no button.
 */
export function fileList({ files, range, context, label, onClick }: FileListView): TemplateResult {
  const rows: unknown[] = [];
  for (let i = range.start; i < range.end; i++) {
    const file = files[i]!;
    // A row is rendered again only when its file (an immutable object, replaced on every
    // change), its place or the list's settings changed: an update of 100 files of 10,000
    // touches the rows of those files alone.
    rows.push(guard([file, i, context.total, context.removable, context.strings, context.locale], () => fileRow(file, i, context)));
  }
  return html`<div part="file-list" class="list" tabindex="0" role="group" aria-label=${label}>
    <ul .style=${`padding-top:${range.before}px;padding-bottom:${range.after}px`} @click=${onClick}>
      ${rows}
    </ul>
  </div>`;
}
