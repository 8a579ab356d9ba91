import { randomUUID } from 'node:crypto';
import { chmod, copyFile, mkdir, open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { BlobNotFoundError } from '../../store/blob-store.js';
import type { BlobStore } from '../../store/blob-store.js';

/** Options of {@link LocalBlobStore}. */
export interface LocalBlobStoreOptions {
  /**
   * Folder that holds the bytes; created by `init()`. Keep it out of any public path.
   * @example './data/blobs'
   */
  dir: string;
}

/** Keys the local store accepts: generated ids only, so a key can never name a path. */
export const BLOB_KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

const CHUNK_BYTES = 64 * 1024;

/** Keeps file bytes in a local folder, one file per key, sharded by the key's first two characters. */
export class LocalBlobStore implements BlobStore {
  readonly #dir: string;

  constructor(options: LocalBlobStoreOptions) {
    if (typeof options?.dir !== 'string' || options.dir.trim() === '') {
      throw new TypeError('LocalBlobStore: `dir` must name the folder that keeps file bytes, e.g. "./data/blobs".');
    }
    this.#dir = resolve(options.dir);
  }

  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
  }

  async close(): Promise<void> {}

  async putFile(key: string, tempPath: string): Promise<void> {
    let part: string | null = null;
    try {
      const final = this.#pathOf(key);
      await mkdir(dirname(final), { recursive: true, mode: 0o700 });
      await chmod(tempPath, 0o600);
      try {
        await rename(tempPath, final);
        return;
      } catch (error) {
        if (errorCode(error) !== 'EXDEV') throw error;
      }
      // Across devices: copy next to the final name first, so a crash never leaves half a file under it.
      part = `${final}.${randomUUID()}.part`;
      await copyFile(tempPath, part);
      await chmod(part, 0o600);
      await rename(part, final);
      part = null;
    } finally {
      await removeBestEffort(tempPath);
      if (part !== null) await removeBestEffort(part);
    }
  }

  open(key: string): Readable {
    const path = this.#pathOf(key);
    return Readable.from(readChunks(path, key), { objectMode: false });
  }

  async delete(key: string): Promise<void> {
    await removeQuietly(this.#pathOf(key));
  }

  #pathOf(key: string): string {
    if (typeof key !== 'string' || !BLOB_KEY_PATTERN.test(key)) {
      throw new Error(
        `LocalBlobStore: invalid blob key ${JSON.stringify(String(key)).slice(0, 140)}; keys are 1 to 128 characters of A-Z, a-z, 0-9, "_" or "-".`,
      );
    }
    return join(this.#dir, key.slice(0, 2), key);
  }
}

async function* readChunks(path: string, key: string): AsyncGenerator<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new BlobNotFoundError(key);
    throw error;
  }
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

// Cleanup after a failure must not hide the error that caused it.
async function removeBestEffort(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
