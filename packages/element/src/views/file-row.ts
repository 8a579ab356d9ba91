import { html, nothing, type TemplateResult } from 'lit';
import type { SessionFile } from '@batch-uploader/sdk';
import { formatBytes } from '../format.js';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/** What every row of one render shares. */
export interface FileRowContext {
  strings: BatchUploaderStrings;
  locale: string | undefined;
  /** Rows in the whole list (rendered or not), for assistive technology. */
  total: number;
  /** Shows remove buttons (before the upload). */
  removable: boolean;
}

/**
 * One file: status icon and name of the status, name (as text, whatever it contains),
 * size, byte progress while uploading, the server's reason when it failed. The remove
 * button carries the file id; the list's owner turns the click into an intent.
 */
export function fileRow(file: SessionFile, index: number, { strings, locale, total, removable }: FileRowContext): TemplateResult {
  const detail =
    file.status === 'uploading'
      ? html`<progress part="file-progress" class="file-progress" max=${file.size} .value=${file.bytesSent} aria-label=${strings.fileProgress(file.name)}></progress>`
      : file.error
        ? html`<span part="file-error" class="file-error">${strings.fileError(file.error.code, file.error.message)}</span>`
        : nothing;
  return html`<li part="file-row" class="row ${file.status}" aria-setsize=${total} aria-posinset=${index + 1}>
    <span part="file-status" class="file-status">${icon(file.status)}<span>${strings.status[file.status]}</span></span>
    <span part="file-name" class="file-name" title=${file.name}>${file.name}</span>
    <span part="file-size" class="file-size">${formatBytes(file.size, locale)}</span>
    ${removable
      ? html`<button part="remove-button" class="remove" type="button" data-id=${file.id} aria-label=${strings.remove(file.name)}>
          <span aria-hidden="true">×</span>
        </button>`
      : nothing}
    <span class="detail">${detail}</span>
  </li>`;
}
