import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, unlink, utimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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

// Quarantined files this process holds: a request is still streaming them, or its
// handler has not moved or discarded them yet. Sweeps never remove them.
const held = new Set<string>();
const heldByRequest = new WeakMap<Request, Set<string>>();

// Held until discarded, and at the latest until the response closes: after that a file
// left behind (by a fault) is the sweep's to remove once it has aged.
function hold(req: Request, path: string): void {
  held.add(path);
  let paths = heldByRequest.get(req);
  if (!paths) {
    const mine = new Set<string>();
    heldByRequest.set(req, (paths = mine));
    req.res?.once('close', () => mine.forEach((p) => held.delete(p)));
  }
  paths.add(path);
}

/** Raised when the server itself could not write an upload (not the client's fault). */
export class QuarantineWriteError extends Error {
  override readonly name = 'QuarantineWriteError';
}

// The first write error of a request's files. When a write fails, the pipeline also
// destroys multer's part stream with it, and multer may abort the request with that
// raw error before this storage reports it: the parser asks here, so a full disk is
// never taken for a malformed upload.
const writeFailures = new WeakMap<Request, Error>();

/** The error that writing one of this request's files into the quarantine met, if any. */
export function quarantineWriteFailure(req: Request): QuarantineWriteError | null {
  const cause = writeFailures.get(req);
  return cause ? new QuarantineWriteError('Writing an upload failed.', { cause }) : null;
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
  ) {
    this.dir = resolve(dir);
  }

  _handleFile(req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const path = join(this.dir, randomUUID() + SUFFIX);
    hold(req, path);
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
    out.once('error', (error) => {
      if (!writeFailures.has(req)) writeFailures.set(req, error);
    });
    pipeline(file.stream, tap, out).then(
      () => callback(null, { path, size, head: Buffer.concat(head) } as Partial<Express.Multer.File>),
      async (error: unknown) => {
        await discard(path).catch(() => {});
        const fromDisk = out.errored !== null && out.errored === error;
        callback(fromDisk ? new QuarantineWriteError('Writing an upload failed.', { cause: error }) : error);
      },
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<QuarantinedFile>, callback: (error: Error | null) => void): void {
    if (!file.path) return callback(null);
    held.delete(file.path);
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
 * Removes uploads that no request holds any more: left behind by a process that died
 * mid-request (`kill -9`, power loss), or by a fault. Files this process holds are never
 * removed; of the others, only files untouched for `idleMs` go, so that an upload
 * another process sharing the folder is receiving is spared (its bytes keep arriving,
 * and a process running {@link QuarantineSweeper} touches the files it holds).
 * Resolves with the count removed.
 */
export async function sweepQuarantine(dir: string, idleMs = 60_000): Promise<number> {
  let removed = 0;
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith(SUFFIX)) continue;
    const path = resolve(dir, name);
    if (held.has(path)) continue;
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs >= idleMs && !held.has(path)) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Sets the modification time of every file this process holds in `dir` to now, so
 * that sweeps of other processes sharing the folder see them in use, however long
 * their request lasts.
 */
export async function touchHeld(dir: string): Promise<void> {
  const folder = resolve(dir);
  const now = new Date();
  for (const path of [...held]) {
    if (dirname(path) === folder) await utimes(path, now, now).catch(() => {});
  }
}

/** Deletes every file `req` put in the quarantine: for a request refused before its files were stored. */
export async function discardAll(req: Request): Promise<void> {
  await Promise.all([...(heldByRequest.get(req) ?? [])].map((path) => discard(path)));
}

/** Deletes a quarantined file; an absent one is fine. */
export async function discard(path: string): Promise<void> {
  held.delete(path);
  await rm(path, { force: true });
}
