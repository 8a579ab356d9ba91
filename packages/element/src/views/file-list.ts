import { html, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { SessionFile } from '@batch-uploader/sdk';
import type { WindowLayout } from '../controllers/window-controller.js';
import { fileRow, type FileRowContext } from './file-row.js';

/** What the file list shows and where its events go. */
export interface FileListView {
  files: readonly SessionFile[];
  /** The rows to render (see `WindowController.layout`). */
  layout: WindowLayout;
  /** The row that holds the tab stop, and its cell (0 the file, 1 its remove button). */
  active: number;
  col: number;
  context: FileRowContext;
  /** Accessible name of the list. */
  label: string;
  /** Clicks in the list (remove buttons carry `data-id`). */
  onClick: (event: Event) => void;
  /** Keys and focus of the grid (see `GridController`). */
  onKeydown: (event: KeyboardEvent) => void;
  onFocusin: (event: FocusEvent) => void;
}

/**
 * The session's files as a grid (one row per file; cells: the file, its remove button),
 * windowed: only the rows in `layout` are rendered, each placed at its `top` in a box as
 * tall as all rows, so the scroll bar is the whole list's. Rows are keyed by file id: a
 * row's DOM (and the focus in it) stays with its file as the window moves; never reused
 * for another file. One cell, the active one, is in the Tab order.
 */
export function fileList({ files, layout, active, col, context, label, onClick, onKeydown, onFocusin }: FileListView): TemplateResult {
  return html`<div
    part="file-list"
    class="list"
    role="grid"
    aria-label=${label}
    aria-rowcount=${files.length}
    aria-colcount=${context.removable ? 2 : 1}
    @click=${onClick}
    @keydown=${onKeydown}
    @focusin=${onFocusin}
  >
    <div class="rows" role="rowgroup" .style=${`height:${layout.height}px`}>
      ${repeat(
        layout.rows,
        ({ index }) => files[index]!.id,
        // A row is rendered again only when its file (an immutable object, replaced on every
        // change), its place or the list's settings changed: an update of 100 files of
        // 10,000 touches the rows of those files alone.
        ({ index, top }) => {
          const file = files[index]!;
          const tab = index === active ? col : -1;
          const preview = context.preview?.(file);
          return guard([file, index, top, tab, context.removable, context.strings, context.locale, preview], () =>
            fileRow(file, index, top, tab, context, preview),
          );
        },
      )}
    </div>
  </div>`;
}
