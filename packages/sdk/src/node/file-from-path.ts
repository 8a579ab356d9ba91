import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';

/**
 * A `File` backed by a file on disk, for {@link BatchClient.upload} and
 * {@link BatchSession.addFiles} in Node. Bytes are read only while uploading, in
 * chunks (`fs.openAsBlob`), so a 50 MB scan never sits whole in memory.
 */
export async function fileFromPath(path: string, options: { name?: string; type?: string } = {}): Promise<File> {
  const [blob, info] = await Promise.all([openAsBlob(path, options.type ? { type: options.type } : {}), stat(path)]);
  // Wrapping keeps the disk-backed Blob lazy; File adds the name and mtime the session checks duplicates with.
  return new File([blob], options.name ?? basename(path), { type: options.type ?? '', lastModified: info.mtimeMs });
}
