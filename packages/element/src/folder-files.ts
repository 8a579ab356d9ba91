/**
 * The files of a drop, with the files inside dropped folders (and their subfolders).
 * Take the entries while the drop event runs — the browser empties its DataTransfer
 * afterwards — then read the folders at leisure.
 */
export async function filesOfDrop(items: ReadonlyArray<{ entry: FileSystemEntry | null; file: File | null }>): Promise<File[]> {
  const files: File[] = [];
  for (const { entry, file } of items) {
    if (entry?.isDirectory) files.push(...(await filesInFolder(entry as FileSystemDirectoryEntry)));
    else if (file) files.push(file);
  }
  return files;
}

/** Every file inside a folder, depth first, without hidden ones (`.DS_Store` is no document). */
async function filesInFolder(folder: FileSystemDirectoryEntry): Promise<File[]> {
  const files: File[] = [];
  for (const entry of await entriesOf(folder)) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory) files.push(...(await filesInFolder(entry as FileSystemDirectoryEntry)));
    else {
      const file = await fileOf(entry as FileSystemFileEntry);
      if (file) files.push(file);
    }
  }
  return files;
}

/** A folder's entries: readEntries hands them out in chunks (100 in Chromium) until an empty one. */
async function entriesOf(folder: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = folder.createReader();
  const entries: FileSystemEntry[] = [];
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve) => reader.readEntries(resolve, () => resolve([])));
    if (chunk.length === 0) return entries.sort((a, b) => a.name.localeCompare(b.name));
    entries.push(...chunk);
  }
}

/** The file of an entry; null when it cannot be read (removed meanwhile, no permission). */
function fileOf(entry: FileSystemFileEntry): Promise<File | null> {
  return new Promise((resolve) => entry.file(resolve, () => resolve(null)));
}
