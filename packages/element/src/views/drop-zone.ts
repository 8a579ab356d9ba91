import { html, nothing, type TemplateResult } from 'lit';
import type { Limits } from '@batch-uploader/sdk';
import type { DropZoneController } from '../controllers/drop-zone-controller.js';
import { toMb } from '../format.js';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/** What the drop zone shows and where its intents go. */
export interface DropZoneView {
  strings: BatchUploaderStrings;
  limits: Limits;
  /** The file input's `accept`. */
  accept: string;
  /** Drag state and handlers. */
  drop: DropZoneController;
  /** Files being checked right now. */
  checking: number;
  /** Opens the file picker. */
  onOpen: () => void;
  /** The picker's change event. */
  onPicked: (event: Event) => void;
}

/**
 * The drop zone: a real button (click, Enter or Space open the picker) that also takes
 * dropped files and shows while files are dragged over it; the limits under its text.
 */
export function dropZone({ strings: t, limits, accept, drop, checking, onOpen, onPicked }: DropZoneView): TemplateResult {
  return html`<button
      part="drop-zone"
      class="drop ${drop.active ? 'active' : ''}"
      type="button"
      @click=${onOpen}
      @dragenter=${drop.onDragEnter}
      @dragover=${drop.onDragOver}
      @dragleave=${drop.onDragLeave}
      @drop=${drop.onDrop}
    >
      ${icon('upload')}
      <span class="drop-text">${drop.active ? t.dropZoneActive : t.dropZone}</span>
      <span part="hint" class="hint">${t.dropZoneHint(limits.max_files, toMb(limits.max_file_size))}</span>
    </button>
    ${checking > 0 ? html`<p part="checking" class="muted" role="status">${t.checking(checking)}</p>` : nothing}
    <input type="file" multiple hidden accept=${accept} @change=${onPicked} />`;
}
