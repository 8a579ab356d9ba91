import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { SUFFIX, discard, held } from './quarantine-folder.js';

/** What the quarantine knows of one received file. */
export interface QuarantinedFile {
  /** Where the bytes wait until they are moved into the blob store. */
  path: string;
  /** Bytes received. */
  size: number;
  /** The first bytes, for deciding the type from content. */
  head: Buffer;
}

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

const writingByRequest = new WeakMap<Request, Set<Readable>>();

/**
 * The parts of `req` whose files are being written. A request that ends (answered, or its
 * connection gone) while one is — the parser gave up on the form first — must not leave
 * that file behind: its part is ended, so its write settles and the file is removed.
 */
function partsBeingWritten(req: Request): Set<Readable> {
  let parts = writingByRequest.get(req);
  if (!parts) {
    const mine = new Set<Readable>();
    writingByRequest.set(req, (parts = mine));
    req.res?.once('close', () => mine.forEach((part) => part.destroy(new Error('The request ended before this file was written.'))));
  }
  return parts;
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
    // The pipeline destroys the file with the error of the part it reads, when the
    // client's body ends early or stalls: that error is the client's, not the disk's.
    let partError: unknown = null;
    file.stream.on('error', (error) => {
      partError ??= error;
    });
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    out.once('error', (error) => {
      if (error !== partError && !writeFailures.has(req)) writeFailures.set(req, error);
    });
    const writing = partsBeingWritten(req);
    writing.add(file.stream);
    pipeline(file.stream, tap, out).then(
      () => {
        writing.delete(file.stream);
        callback(null, { path, size, head: Buffer.concat(head) } as Partial<Express.Multer.File>);
      },
      async (error: unknown) => {
        writing.delete(file.stream);
        await discard(path).catch(() => {});
        const fromDisk = out.errored !== null && out.errored === error && error !== partError;
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

/** Deletes every file `req` put in the quarantine: for a request refused before its files were stored. */
export async function discardAll(req: Request): Promise<void> {
  await Promise.all([...(heldByRequest.get(req) ?? [])].map((path) => discard(path)));
}
