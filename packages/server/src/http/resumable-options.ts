import type { Readable } from 'node:stream';
import type { DataStore } from '@tus/utils';

// Apart from the route, so that the public types need neither Express's nor the tus server's.

/** The tus protocol version the resumable route speaks. */
export const TUS_VERSION = '1.0.0';

/**
 * Where unfinished uploads wait instead of `dir`: a tus data store that can also read an
 * upload's bytes back, e.g. `MongoResumableStore` (`@batch-uploader/server/mongodb`), so
 * that any instance sharing the database can continue an upload another began. With
 * `listUploads` (the ids of the uploads it holds), the route's sweep also finds the
 * unfinished uploads of batches that finished while another process or an earlier run
 * of this one held them, and removes them.
 */
export type ResumableStore = DataStore & { read(id: string): Readable; listUploads?(): Promise<string[]> };

/** Options of the resumable upload route (`resumable` of createBatchRouter). */
export interface ResumableOptions {
  /**
   * Private folder where resumable uploads wait until their last byte arrives (with
   * `store`: where a finished upload is put together before it joins its batch). Never served.
   */
  dir: string;
  /** Keep unfinished uploads here instead of in `dir`. @default null (files in `dir`) */
  store?: ResumableStore | null;
  /**
   * How long an unfinished upload is kept after it began; then it and its bytes are
   * removed and the client must start that file again.
   * @default 86_400_000 (24 h)
   */
  expireAfterMs?: number;
  /**
   * How often unfinished uploads are swept: those past `expireAfterMs`, and those whose
   * batch finished without them. Swept on this timer while the engine runs, and on a
   * request to the route when a sweep is due.
   * @default a quarter of `expireAfterMs`, at most 10 minutes
   */
  sweepIntervalMs?: number;
  /** The size of the parts clients are advised to send (`GET /limits`). @default 8 MiB */
  chunkSize?: number;
}

/** {@link ResumableOptions} checked, with defaults filled in. */
export interface ResolvedResumable {
  dir: string;
  store: ResumableStore | null;
  expireAfterMs: number;
  sweepIntervalMs: number;
  chunkSize: number;
}

/** Checks the resumable options, naming the one that cannot work. */
export function resolveResumable(options: ResumableOptions): ResolvedResumable {
  if (!options.dir) throw new TypeError('createBatchRouter: "resumable.dir" must name a private folder for unfinished uploads.');
  const expireAfterMs = options.expireAfterMs ?? 24 * 60 * 60 * 1000;
  if (!Number.isFinite(expireAfterMs) || expireAfterMs < 60_000)
    throw new RangeError('createBatchRouter: "resumable.expireAfterMs" must be at least 60000 ms.');
  const sweepIntervalMs = options.sweepIntervalMs ?? Math.min(expireAfterMs / 4, 10 * 60_000);
  if (!Number.isFinite(sweepIntervalMs) || sweepIntervalMs < 100)
    throw new RangeError('createBatchRouter: "resumable.sweepIntervalMs" must be at least 100 ms.');
  const chunkSize = options.chunkSize ?? 8 * 1024 * 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 64 * 1024)
    throw new RangeError('createBatchRouter: "resumable.chunkSize" must be a whole number of bytes, at least 65536.');
  const store = options.store ?? null;
  if (store && (typeof store.getUpload !== 'function' || typeof store.read !== 'function')) {
    throw new TypeError('createBatchRouter: "resumable.store" must be a tus data store that can read an upload back, e.g. a MongoResumableStore.');
  }
  return { dir: options.dir, store, expireAfterMs, sweepIntervalMs, chunkSize };
}
