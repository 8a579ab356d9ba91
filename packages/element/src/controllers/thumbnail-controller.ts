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
 * a time, off the main thread (see `makeThumbnail`), kept as bitmaps by file id and drawn
 * into each row's canvas (a canvas, not an image: a host page's Content Security Policy
 * may refuse `blob:` and `data:` images), closed as soon as their file leaves the list
 * (removed, another batch) or the element leaves the page. Only files with bytes in this
 * page have one: after a reload the list shows icons. Nothing is stored: the previews
 * live in the page's memory only.
 */
export class ThumbnailController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  /** Canvases drawn already (a row's canvas is new when the window renders the row again). */
  readonly #drawn = new WeakSet<HTMLCanvasElement>();
  readonly #files: () => readonly SessionFile[];
  readonly #bitmaps = new Map<string, ImageBitmap>();
  /** Files waiting for a preview, or that could not have one (not decodable): asked once. */
  readonly #asked = new Set<string>();
  readonly #queue: Array<{ id: string; file: Blob }> = [];
  #module: Promise<typeof ThumbnailModule> | null = null;
  #running = false;

  /** `files`: the files listed now (previews of others are revoked before each render). */
  constructor(host: ReactiveControllerHost & HTMLElement, files: () => readonly SessionFile[]) {
    this.#host = host;
    this.#files = files;
    host.addController(this);
  }

  /** The preview of `file`, or undefined (not an image, or not made yet: the host renders again when it is). */
  readonly previewOf = (file: SessionFile): ImageBitmap | undefined => {
    const bitmap = this.#bitmaps.get(file.id);
    if (bitmap || this.#asked.has(file.id) || !file.file || file.size > MAX_BYTES || !DECODABLE.includes(file.type)) return bitmap;
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

  /** Draws each preview into its row's canvas (`data-preview` = file id), once per canvas. */
  hostUpdated(): void {
    if (this.#bitmaps.size === 0) return;
    for (const canvas of this.#root()?.querySelectorAll<HTMLCanvasElement>('canvas[data-preview]') ?? []) {
      const bitmap = this.#bitmaps.get(canvas.dataset.preview!);
      if (!bitmap || this.#drawn.has(canvas)) continue;
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
      this.#drawn.add(canvas);
    }
  }

  hostDisconnected(): void {
    for (const id of [...this.#asked]) this.#forget(id);
  }

  #forget(id: string): void {
    this.#bitmaps.get(id)?.close();
    this.#bitmaps.delete(id);
    this.#asked.delete(id);
    const queued = this.#queue.findIndex((item) => item.id === id);
    if (queued >= 0) this.#queue.splice(queued, 1);
  }

  #root(): ShadowRoot | null {
    return this.#host.shadowRoot;
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
        const bitmap = await this.#module.then(({ makeThumbnail }) => makeThumbnail(next!.file, WIDTH)).catch(() => null);
        if (!bitmap) continue; // Not an image after all, or the chunk could not be fetched: the icon stays.
        // Forgotten while it was made (removed, reset): not kept.
        if (!this.#asked.has(next.id)) bitmap.close();
        else {
          this.#bitmaps.set(next.id, bitmap);
          this.#host.requestUpdate();
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
