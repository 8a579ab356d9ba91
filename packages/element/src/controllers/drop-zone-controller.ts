import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Files coming in: dragged onto a zone, or picked with the host's file and folder
 * inputs, or pasted while focus is in the element. `active` (view-local state) is true while files are dragged over the zone, for
 * visible feedback; dropped or picked files go to `onFiles` (for a dropped folder, the
 * files inside it). Drags of anything but files (text, links) are left alone.
 */
export class DropZoneController implements ReactiveController {
  /** True while files are dragged over the zone. */
  active = false;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #onFiles: (files: File[]) => void;
  /** dragenter/dragleave pairs: children of the zone fire them too. */
  #depth = 0;

  constructor(host: ReactiveControllerHost & HTMLElement, onFiles: (files: File[]) => void) {
    this.#host = host;
    this.#onFiles = onFiles;
    host.addController(this);
  }

  hostConnected(): void {
    // A drag that ends elsewhere (dropped outside, Escape) never sends dragleave to the zone.
    addEventListener('dragend', this.#end);
    addEventListener('drop', this.#end);
    this.#host.addEventListener('paste', this.#onPaste);
  }

  hostDisconnected(): void {
    removeEventListener('dragend', this.#end);
    removeEventListener('drop', this.#end);
    this.#host.removeEventListener('paste', this.#onPaste);
    this.#end();
  }

  /**
   * Files pasted while focus is in the element (a screenshot, a file copied in the file
   * manager): added as if dropped. A paste of text (into the Patient ID field) is left alone.
   */
  readonly #onPaste = (event: ClipboardEvent): void => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    this.#onFiles(files);
  };

  readonly onDragEnter = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    this.#depth += 1;
    this.#set(true);
  };

  readonly onDragOver = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault(); // Allows the drop.
    event.dataTransfer!.dropEffect = 'copy';
  };

  readonly onDragLeave = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    this.#depth = Math.max(0, this.#depth - 1);
    if (this.#depth === 0) this.#set(false);
  };

  readonly onDrop = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault(); // The browser would open the file instead.
    this.#end();
    const transfer = event.dataTransfer!;
    const items = [...transfer.items].filter((item) => item.kind === 'file').map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
    if (!items.some(({ entry }) => entry?.isDirectory)) this.#onFiles([...transfer.files]);
    // Reading folders is rare: its code loads on the first folder dropped (a chunk of the bundle).
    else void import('../folder-files.js').then(({ filesOfDrop }) => filesOfDrop(items)).then(this.#onFiles);
  };

  /** Opens the picker of files, or of a folder (the host's `input[type=file]`, the one with `webkitdirectory`). */
  readonly openPicker = (folder: boolean): void => {
    this.#host.shadowRoot?.querySelector<HTMLInputElement>(folder ? 'input[webkitdirectory]' : 'input[type=file]:not([webkitdirectory])')?.click();
  };

  /** The pickers' change event. */
  readonly onPicked = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    // A folder's hidden files (.DS_Store, and all in hidden subfolders) are no documents.
    const files = [...(input.files ?? [])].filter((file) => !/(^|\/)\./.test(file.webkitRelativePath));
    input.value = ''; // Picking the same file again must fire change again (and say "already added").
    this.#onFiles(files);
  };

  readonly #end = (): void => {
    this.#depth = 0;
    this.#set(false);
  };

  #set(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    this.#host.requestUpdate();
  }
}

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}
