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
  /** The file input's `capture` (`environment`, `user`): phones open the camera. Empty: none. */
  capture: string;
  /** Drag state, pickers and their handlers. */
  drop: DropZoneController;
  /** Files the session is deciding on right now (`checking`). */
  checking: number;
}

/**
 * The drop zone: a real button (click, Enter or Space open the picker) that also takes
 * dropped files and folders and shows while files are dragged over it; the limits under
 * its text. A second button picks a whole folder.
 */
export function dropZone({ strings: t, limits, accept, capture, drop, checking }: DropZoneView): TemplateResult {
  return html`<button
      part="drop-zone"
      class="drop ${drop.active ? 'active' : ''}"
      type="button"
      @click=${() => drop.openPicker(false)}
      @dragenter=${drop.onDragEnter}
      @dragover=${drop.onDragOver}
      @dragleave=${drop.onDragLeave}
      @drop=${drop.onDrop}
    >
      ${icon('upload')}
      <span class="drop-text">${drop.active ? t.dropZoneActive : t.dropZone}</span>
      <span part="hint" class="hint">${t.dropZoneHint(limits.max_files, toMb(limits.max_file_size))}</span>
    </button>
    <button part="folder-button" class="link folder" type="button" @click=${() => drop.openPicker(true)}>${t.chooseFolder}</button>
    ${checking > 0 ? html`<p part="checking" class="muted">${t.checking(checking)}</p>` : nothing}
    <input type="file" multiple hidden accept=${accept} capture=${capture || nothing} @change=${drop.onPicked} />
    <input type="file" webkitdirectory hidden @change=${drop.onPicked} />`;
}
