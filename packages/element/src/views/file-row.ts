import { html, nothing, type TemplateResult } from 'lit';
import type { FileReview } from '@batch-uploader/protocol';
import type { SessionFile } from '@batch-uploader/sdk';
import { formatBytes, splitName } from '../format.js';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/**
 * What staff must know of a completed file's review (a live file's or one read from the
 * server: both carry the wire's `review`): it waits for a decision, or it was rejected
 * (not filed to this patient); null for every other file, confirmed ones included.
 */
export function reviewStateOf(file: { status: string; review?: FileReview | undefined }): 'awaiting' | 'rejected' | null {
  if (file.status !== 'completed' || !file.review) return null;
  if (file.review.decision === 'rejected') return 'rejected';
  return file.review.decision === null ? 'awaiting' : null;
}

/** What every row of one render shares. */
export interface FileRowContext {
  strings: BatchUploaderStrings;
  locale: string | undefined;
  /** Shows remove buttons (before the upload). */
  removable: boolean;
  /** The preview of an image file, when one was made (see `ThumbnailController`, which draws it). */
  preview?: (file: SessionFile) => ImageBitmap | undefined;
}

/**
 * One file, as a row of the grid: the file's cell — name (as text, whatever it contains;
 * shortened in the middle when it does not fit, its last characters and extension kept — assistive
 * technology reads it whole, from a hidden copy, not as two pieces; after a PDF or an image icon,
 * or the image's `preview`),
 * status icon and word, size (and the page count the processing found), byte progress while uploading, the server's reason
 * in full when it failed — and, before the upload, a cell with its remove button (which
 * carries the file id; the list's owner turns the click into an intent). `tab` is the
 * cell in the Tab order (-1: none of this row's).
 */
export function fileRow(
  file: SessionFile,
  index: number,
  top: number,
  tab: number,
  { strings, locale, removable }: FileRowContext,
  preview?: ImageBitmap,
): TemplateResult {
  const detail =
    file.status === 'uploading'
      ? html`<progress part="file-progress" class="file-progress" max=${file.size} .value=${file.bytesSent} aria-label=${strings.fileProgress(file.name)}></progress>`
      : file.error
        ? html`<span part="file-error" class="file-error">${strings.fileError(file.error.code, file.error.message)}</span>`
        : nothing;
  const [head, tail] = splitName(file.name);
  const kind = file.type === 'application/pdf' ? 'pdf' : file.type.startsWith('image/') ? 'image' : null;
  const pages = (file.result as { pages?: unknown } | null)?.pages;
  const review = reviewStateOf(file);
  const status = review ? strings.reviewState[review] : file.status === 'uploading' && file.resuming ? strings.resumingFile : strings.status[file.status];
  return html`<div part="file-row" class="row ${file.status}${review ? ' review' : ''}" role="row" aria-rowindex=${index + 1} data-key=${file.id} .style=${`top:${top}px`}>
    <div class="cell" role="gridcell" data-col="0" tabindex=${tab === 0 ? 0 : -1}>
      <span part="file-name" class="file-name" title=${file.name}
        >${
          preview
            ? html`<canvas part="file-thumbnail" class="thumbnail" width=${preview.width} height=${preview.height} data-preview=${file.id} aria-hidden="true"></canvas>`
            : kind
              ? icon(kind)
              : nothing
        }<span class="name-head" aria-hidden="true">${head}</span><span class="name-tail" aria-hidden="true">${tail}</span></span
      ><span class="sr-only">${file.name}</span>
      <span part="file-status" class="file-status">${icon(review ? 'warning' : file.status)}<span>${status}</span></span>
      <span part="file-size" class="file-size">${formatBytes(file.size, locale)}${typeof pages === 'number' ? ` · ${strings.pages(pages)}` : ''}</span>
      ${detail === nothing ? nothing : html`<span class="detail">${detail}</span>`}
    </div>
    ${
      removable
        ? html`<div class="cell remove-cell" role="gridcell">
          <button part="remove-button" class="remove" type="button" data-col="1" tabindex=${tab === 1 ? 0 : -1} data-id=${file.id} aria-label=${strings.remove(file.name)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>`
        : nothing
    }
  </div>`;
}
