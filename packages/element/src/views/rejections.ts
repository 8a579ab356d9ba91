import { html, nothing, type TemplateResult } from 'lit';
import type { Limits, RejectedFile } from '@batch-uploader/sdk';
import { toMb } from '../format.js';
import type { BatchUploaderStrings } from '../strings.js';
import { icon } from './icons.js';

/** Refusals named one by one; the rest are counted. */
const LISTED = 5;
/** Files over the batch limit named in their line; the rest are counted. */
const NAMED = 3;

/**
 * Why files were not added: "scan.tiff is larger than 50 MB", "report.pdf is already
 * added", and one line for all files over the batch limit, naming the first few ("only
 * 50 files can be sent at once (9950 files not added: a.pdf, b.pdf, c.pdf and 9947
 * more)"), however many there were. Every one is named in the outcome at the end.
 */
export function rejections(
  rejected: readonly RejectedFile[],
  limits: Limits,
  strings: BatchUploaderStrings,
  onDismiss: () => void,
): TemplateResult | typeof nothing {
  if (rejected.length === 0) return nothing;
  const params = (name: string) => ({ name, maxFiles: limits.max_files, maxSizeMb: toMb(limits.max_file_size) });
  const overLimit = rejected.filter((r) => r.code === 'TOO_MANY_FILES');
  const others = rejected.filter((r) => r.code !== 'TOO_MANY_FILES');
  const lines = others.slice(0, LISTED).map((r) => strings.rejection[r.code](params(r.name)));
  if (others.length > LISTED) lines.push(strings.moreRejected(others.length - LISTED));
  if (overLimit.length > 0) {
    const names = overLimit.slice(0, NAMED).map((r) => r.name);
    lines.push(`${strings.rejection.TOO_MANY_FILES(params(''))} ${strings.notAdded(overLimit.length, names, overLimit.length - names.length)}`);
  }
  return html`<div part="messages" class="messages">
    ${icon('warning')}
    <ul>
      ${lines.map((line) => html`<li>${line}</li>`)}
    </ul>
    <button part="dismiss-button" class="link" type="button" @click=${onDismiss}>${strings.dismiss}</button>
  </div>`;
}

/**
 * The refusals whose messages were dismissed (view-local): hidden from the messages,
 * still in the session, so the outcome lists them among the files not sent.
 */
export class DismissedRefusals {
  readonly #host: { requestUpdate(): void };
  readonly #dismissed = new WeakSet<RejectedFile>();

  constructor(host: { requestUpdate(): void }) {
    this.#host = host;
  }

  /** The refusals of `rejected` not dismissed yet. */
  visible(rejected: readonly RejectedFile[]): readonly RejectedFile[] {
    return rejected.filter((r) => !this.#dismissed.has(r));
  }

  /** Hides the messages of every refusal in `rejected`. */
  dismiss(rejected: readonly RejectedFile[]): void {
    for (const refusal of rejected) this.#dismissed.add(refusal);
    this.#host.requestUpdate();
  }
}
