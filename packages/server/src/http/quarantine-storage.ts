import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';

const SUFFIX = '.upload';

/** What the quarantine knows of one received file. */
export interface QuarantinedFile {
  /** Where the bytes wait until they are moved into the blob store. */
  path: string;
  /** Bytes received. */
  size: number;
  /** The first bytes, for deciding the type from content. */
  head: Buffer;
}

/** Raised when the server itself could not write an upload (not the client's fault). */
export class QuarantineWriteError extends Error {
  override readonly name = 'QuarantineWriteError';
}

/**
 * A multer storage engine that streams each file into a private folder under a
 * generated name, keeping its first bytes for type sniffing. The client's filename is
 * never part of a path. When multer aborts a request (a limit, a client that went
 * away), it removes what was written through `_removeFile`.
 */
export class QuarantineStorage implements StorageEngine {
  constructor(
    private readonly dir: string,
    private readonly headBytes: number,
  ) {}

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const path = join(this.dir, randomUUID() + SUFFIX);
    let size = 0;
    const head: Buffer[] = [];
    let headLength = 0;
    const wanted = this.headBytes;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (headLength < wanted) {
          const part = chunk.subarray(0, wanted - headLength);
          head.push(part);
          headLength += part.length;
        }
        done(null, chunk);
      },
    });
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    pipeline(file.stream, tap, out).then(
      () => callback(null, { path, size, head: Buffer.concat(head) } as Partial<Express.Multer.File>),
      async (error: unknown) => {
        await unlink(path).catch(() => {});
        const fromDisk = out.errored !== null && out.errored === error;
        callback(fromDisk ? new QuarantineWriteError('Writing an upload failed.', { cause: error }) : error);
      },
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<QuarantinedFile>, callback: (error: Error | null) => void): void {
    if (!file.path) return callback(null);
    unlink(file.path).then(
      () => callback(null),
      (error: NodeJS.ErrnoException) => callback(error.code === 'ENOENT' ? null : error),
    );
  }
}

/** Creates the quarantine folder, readable by this user only. */
export async function prepareQuarantine(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * Removes uploads left behind by a process that died mid-request. Only files untouched
 * for `idleMs` go, so that an upload another process is still receiving is spared.
 */
export async function sweepQuarantine(dir: string, idleMs = 60_000): Promise<number> {
  let removed = 0;
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith(SUFFIX)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs >= idleMs) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

/** Deletes a quarantined file; an absent one is fine. */
export async function discard(path: string): Promise<void> {
  await rm(path, { force: true });
}
