import type { Readable } from 'node:stream';

/**
 * Where file bytes are kept, by opaque key. Bytes are health data: a blob store never
 * serves them from a public path, and keys are generated, never derived from names.
 */
export interface BlobStore {
  /** Creates folders, buckets or indexes (idempotent). */
  init(): Promise<void>;
  /** Releases resources. */
  close(): Promise<void>;
  /**
   * Takes ownership of a complete temporary file and stores it under `key`. The
   * temporary file is gone afterwards, whether the call succeeds or fails.
   */
  putFile(key: string, tempPath: string): Promise<void>;
  /** Streams the bytes of `key`; the stream errors with a BlobNotFoundError when absent. */
  open(key: string): Readable;
  /** Removes `key`; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
}

/** Raised (or emitted by a stream) when a key has no bytes. */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly key: string) {
    super('No stored bytes for this key.');
  }
}
