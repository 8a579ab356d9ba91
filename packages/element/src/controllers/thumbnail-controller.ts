import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionFile } from '@batch-uploader/sdk';
// A type-only import: the code that decodes images is a chunk loaded with the first image.
import type * as ThumbnailModule from '../thumbnail.js';

/** Image types browsers decode (TIFF is not among them: it keeps its icon). */
const DECODABLE = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/bmp', 'image/avif'];
/** Larger images keep their icon: decoding them would hold tens of megabytes for a 20-pixel preview. */
const MAX_BYTES = 25 * 1024 * 1024;
/** Pixels across: twice the shown size, for high-density screens. */
const WIDTH = 48;

/**
 * Small previews of the image files in the list, made for the rows on screen only, one at
 * a time, off the main thread (see `makeThumbnail`), kept as object URLs by file id and
 * revoked as soon as their file leaves the list (removed, another batch) or the element
 * leaves the page. Only files with bytes in this page have one: after a reload the list
 * shows icons. Nothing is stored: the previews live in the page's memory only.
 */
export class ThumbnailController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #files: () => readonly SessionFile[];
  readonly #urls = new Map<string, string>();
  /** Files waiting for a preview, or that could not have one (not decodable): asked once. */
  readonly #asked = new Set<string>();
  readonly #queue: Array<{ id: string; file: Blob }> = [];
  #module: Promise<typeof ThumbnailModule> | null = null;
  #running = false;

  /** `files`: the files listed now (previews of others are revoked before each render). */
  constructor(host: ReactiveControllerHost, files: () => readonly SessionFile[]) {
    this.#host = host;
    this.#files = files;
    host.addController(this);
  }

  /** The preview of `file`, or undefined (not an image, or not made yet: the host renders again when it is). */
  readonly urlFor = (file: SessionFile): string | undefined => {
    const url = this.#urls.get(file.id);
    if (url || this.#asked.has(file.id) || !file.file || file.size > MAX_BYTES || !DECODABLE.includes(file.type)) return url;
    this.#asked.add(file.id);
    this.#queue.push({ id: file.id, file: file.file });
    void this.#run();
    return undefined;
  };

  /** Revokes the previews of files no longer listed. */
  hostUpdate(): void {
    if (this.#asked.size === 0) return;
    const listed = new Set(this.#files().map((f) => f.id));
    for (const id of [...this.#asked]) if (!listed.has(id)) this.#forget(id);
  }

  hostDisconnected(): void {
    for (const id of [...this.#asked]) this.#forget(id);
  }

  #forget(id: string): void {
    const url = this.#urls.get(id);
    if (url) URL.revokeObjectURL(url);
    this.#urls.delete(id);
    this.#asked.delete(id);
    const queued = this.#queue.findIndex((item) => item.id === id);
    if (queued >= 0) this.#queue.splice(queued, 1);
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        this.#module ??= import('../thumbnail.js').catch((error: unknown) => {
          this.#module = null; // Tried again with the next image.
          throw error;
        });
        const url = await this.#module.then(({ makeThumbnail }) => makeThumbnail(next!.file, WIDTH)).catch(() => null);
        if (!url) continue; // Not an image after all, or the chunk could not be fetched: the icon stays.
        // Forgotten while it was made (removed, reset): not kept.
        if (!this.#asked.has(next.id)) URL.revokeObjectURL(url);
        else {
          this.#urls.set(next.id, url);
          this.#host.requestUpdate();
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
