import type { UploadFile } from '../client/send-files.js';
import { contentHash } from './content-hash.js';
import { uploadsKey, type BatchIdStorage } from './remembered-batch.js';

/** Bytes read from each end of a file for its fingerprint. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * The URLs of a batch's unfinished resumable (tus) uploads, kept in storage so that after
 * a reload each goes on from the server's offset when the person picks the same file
 * again. Each is found by a fingerprint of the file — a SHA-256 of its size, modification
 * time, type and first and last 64 KiB — never by its name: storage holds the batch id,
 * the fingerprints and the upload URLs, no file names, bytes or patient data. An upload's
 * entry goes when its last byte arrived, all of them when the batch is forgotten or
 * another begins (`forgetUploadsUnlessOf`, run by `RememberedBatch`). Loaded on demand. A storage that cannot be used costs the resume only (the file is sent
 * from its first byte).
 */
export class RememberedUploads {
  readonly #key: string;
  readonly #storage: BatchIdStorage | undefined;
  readonly #fingerprints = new WeakMap<UploadFile, Promise<string | null>>();

  constructor(key: string, storage: BatchIdStorage | undefined) {
    this.#key = uploadsKey(key);
    this.#storage = storage;
  }

  /** Keeps the URL of `file`'s upload into `batchId`. */
  async remember(batchId: string, file: UploadFile, url: string): Promise<void> {
    const fingerprint = await this.#fingerprint(file);
    if (!fingerprint) return;
    const kept = this.#read();
    const uploads = kept?.batch === batchId ? kept.uploads : {};
    this.#write({ batch: batchId, uploads: { ...uploads, [fingerprint]: url } });
  }

  /** The URL of an upload of this file into `batchId` kept earlier, or null. */
  async urlOf(batchId: string, file: UploadFile): Promise<string | null> {
    const fingerprint = await this.#fingerprint(file);
    const kept = this.#read();
    if (kept?.batch !== batchId) return null;
    return (fingerprint && kept.uploads[fingerprint]) || null;
  }

  /** The URLs of the uploads into `batchId` kept now. */
  urls(batchId: string): string[] {
    const kept = this.#read();
    return kept?.batch === batchId ? Object.values(kept.uploads) : [];
  }

  /** Forgets `file`'s upload (it arrived whole). */
  async forget(file: UploadFile): Promise<void> {
    const fingerprint = await this.#fingerprint(file);
    const kept = this.#read();
    if (!kept || !fingerprint || !(fingerprint in kept.uploads)) return;
    const { [fingerprint]: _gone, ...uploads } = kept.uploads;
    this.#write(Object.keys(uploads).length > 0 ? { batch: kept.batch, uploads } : null);
  }

  #fingerprint(file: UploadFile): Promise<string | null> {
    let fingerprint = this.#fingerprints.get(file);
    if (!fingerprint) {
      const lastModified = (file as { lastModified?: number }).lastModified ?? 0;
      const ends = file.size > 2 * SAMPLE_BYTES ? [file.slice(0, SAMPLE_BYTES), file.slice(file.size - SAMPLE_BYTES)] : [file];
      fingerprint = contentHash(new Blob([`${file.size}:${lastModified}:${file.type}:`, ...ends]));
      this.#fingerprints.set(file, fingerprint);
    }
    return fingerprint;
  }

  #read(): { batch: string; uploads: Record<string, string> } | null {
    try {
      const text = this.#storage?.getItem(this.#key);
      const kept: unknown = text ? JSON.parse(text) : null;
      if (typeof kept !== 'object' || kept === null) return null;
      const { batch, uploads } = kept as { batch?: unknown; uploads?: unknown };
      if (typeof batch !== 'string' || typeof uploads !== 'object' || uploads === null) return null;
      return { batch, uploads: Object.fromEntries(Object.entries(uploads).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) };
    } catch {
      return null; // Storage disabled, or not ours to read: no resume, nothing else lost.
    }
  }

  #write(value: { batch: string; uploads: Record<string, string> } | null): void {
    try {
      if (value) this.#storage?.setItem(this.#key, JSON.stringify(value));
      else this.#storage?.removeItem(this.#key);
    } catch {
      // See #read.
    }
  }
}
