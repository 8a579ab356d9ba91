import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Collection, Document, GridFSBucket } from 'mongodb';
import { BlobNotFoundError } from '../../store/blob-store.js';
import type { BlobStore } from '../../store/blob-store.js';
import { BLOB_KEY_PATTERN } from '../local/index.js';
import { MongoConnection, type MongoConnectionOptions } from './mongo-connection.js';
import { mongoDriver } from './mongo-driver.js';

/** Options of {@link GridFsBlobStore}. */
export interface GridFsBlobStoreOptions extends MongoConnectionOptions {
  /**
   * GridFS bucket name: bytes live in `<bucketName>.files` and `<bucketName>.chunks`.
   * @default "batch_uploader_blobs"
   */
  bucketName?: string;
}

/** A GridFS file's `_id` is its blob key: unique by index, and found without a query on names. */
type GridFsFile = { _id: string };

/**
 * Keeps file bytes in GridFS, so that every server instance sharing the database can
 * read what any of them received. Keys are the same generated ids the local store takes
 * (`BLOB_KEY_PATTERN`); the original filename is never stored here.
 */
export class GridFsBlobStore implements BlobStore {
  readonly #connection: MongoConnection;
  readonly #bucketName: string;
  #bucket: GridFSBucket | null = null;
  #files: Collection<GridFsFile> | null = null;
  #chunks: Collection<Document> | null = null;

  constructor(options: GridFsBlobStoreOptions) {
    this.#connection = new MongoConnection(options, 'GridFsBlobStore');
    const bucketName = options.bucketName ?? 'batch_uploader_blobs';
    if (typeof bucketName !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(bucketName)) {
      throw new TypeError('GridFsBlobStore: `bucketName` must be 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-".');
    }
    this.#bucketName = bucketName;
  }

  async init(): Promise<void> {
    if (this.#bucket) return;
    const db = await this.#connection.open();
    const writeConcern = { w: 'majority' as const };
    const files = db.collection<GridFsFile>(`${this.#bucketName}.files`, { writeConcern });
    const chunks = db.collection(`${this.#bucketName}.chunks`, { writeConcern });
    // The indexes the GridFS spec requires, created up front instead of on the first upload.
    await Promise.all([
      chunks.createIndex({ files_id: 1, n: 1 }, { unique: true, name: 'files_id_1_n_1' }),
      files.createIndex({ filename: 1, uploadDate: 1 }, { name: 'filename_1_uploadDate_1' }),
    ]);
    this.#files = files;
    this.#chunks = chunks;
    this.#bucket = new mongoDriver.GridFSBucket(db, { bucketName: this.#bucketName, writeConcern });
  }

  async close(): Promise<void> {
    this.#bucket = null;
    this.#files = null;
    this.#chunks = null;
    await this.#connection.close();
  }

  async putFile(key: string, tempPath: string): Promise<void> {
    try {
      checkKey(key);
      const bucket = this.#ready();
      // A key is written once; should one be written again, the old bytes go first.
      await this.delete(key);
      const upload = bucket.openUploadStreamWithId(key as never, key);
      try {
        await pipeline(createReadStream(tempPath), upload);
      } catch (error) {
        // Chunks already written are removed; the files document is only written at the end.
        await upload.abort().catch(() => undefined);
        await this.#chunks!.deleteMany({ files_id: key }).catch(() => undefined);
        throw error;
      }
    } finally {
      // Cleanup after a failure must not hide the error that caused it.
      await unlink(tempPath).catch(() => undefined);
    }
  }

  open(key: string): Readable {
    checkKey(key);
    const bucket = this.#ready();
    const files = this.#files!;
    return Readable.from(readChunks(bucket, files, key), { objectMode: false });
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.#ready();
    // The files document first, as the GridFS spec does: a reader never finds a file whose chunks are gone.
    await this.#files!.deleteOne({ _id: key });
    await this.#chunks!.deleteMany({ files_id: key });
  }

  #ready(): GridFSBucket {
    if (!this.#bucket) throw new Error('GridFsBlobStore: call init() before using the store (or it was closed).');
    return this.#bucket;
  }
}

async function* readChunks(bucket: GridFSBucket, files: Collection<GridFsFile>, key: string): AsyncGenerator<Buffer> {
  if (!(await files.findOne({ _id: key }, { projection: { _id: 1 } }))) throw new BlobNotFoundError(key);
  try {
    for await (const chunk of bucket.openDownloadStream(key as never)) yield chunk as Buffer;
  } catch (error) {
    // Deleted between the look-up and the download.
    if (!(await files.findOne({ _id: key }, { projection: { _id: 1 } }))) throw new BlobNotFoundError(key);
    throw error;
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || !BLOB_KEY_PATTERN.test(key)) {
    throw new Error(
      `GridFsBlobStore: invalid blob key ${JSON.stringify(String(key)).slice(0, 140)}; keys are 1 to 128 characters of A-Z, a-z, 0-9, "_" or "-".`,
    );
  }
}
