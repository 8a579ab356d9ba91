import { Readable } from 'node:stream';
import { Binary, type Collection } from 'mongodb';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { MongoConnection, type MongoConnectionOptions } from './mongo-connection.js';

/** Options of {@link MongoResumableStore}. */
export interface MongoResumableStoreOptions extends MongoConnectionOptions {
  /**
   * Prefix of its collections: `<prefix>uploads` and `<prefix>upload_parts`.
   * @default "batch_uploader_resumable_"
   */
  collectionPrefix?: string;
  /** How long an unfinished upload is kept after it began. @default 86_400_000 (24 h) */
  expireAfterMs?: number;
}

interface UploadDocument {
  _id: string;
  size: number | null;
  offset: number;
  metadata: Record<string, string | null>;
  creation_date: string;
}

interface PartDocument {
  upload_id: string;
  /** Where this part starts in the file. */
  offset: number;
  data: Binary;
}

/** Bytes kept per part document: under the 16 MB document limit, like a GridFS chunk. */
const PART_BYTES = 255 * 1024;

/**
 * Where unfinished resumable (tus) uploads wait when the server runs on MongoDB: every
 * instance sharing the database can answer an upload's offset and take its next bytes,
 * whichever instance began it. An upload is a document with its length, offset and
 * metadata; its bytes are part documents of at most 255 KiB, each written before the
 * offset moves past it, so a connection cut mid-request keeps what had arrived. A write
 * only appends at the offset it read: two instances sending the same upload at once
 * cannot interleave its bytes.
 */
export class MongoResumableStore extends DataStore {
  readonly #connection: MongoConnection;
  readonly #prefix: string;
  readonly #expireAfterMs: number;
  #uploads: Collection<UploadDocument> | null = null;
  #parts: Collection<PartDocument> | null = null;

  constructor(options: MongoResumableStoreOptions) {
    super();
    this.#connection = new MongoConnection(options, 'MongoResumableStore');
    const prefix = options.collectionPrefix ?? 'batch_uploader_resumable_';
    if (typeof prefix !== 'string' || !/^[A-Za-z0-9_.-]{0,64}$/.test(prefix)) {
      throw new TypeError('MongoResumableStore: `collectionPrefix` must be up to 64 characters of A-Z, a-z, 0-9, "_", "." or "-".');
    }
    this.#prefix = prefix;
    this.#expireAfterMs = options.expireAfterMs ?? 24 * 60 * 60 * 1000;
    this.extensions = ['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'expiration'];
  }

  /** Connects and creates the indexes. */
  async init(): Promise<void> {
    if (this.#uploads) return;
    const db = await this.#connection.open();
    const writeConcern = { w: 'majority' as const };
    const uploads = db.collection<UploadDocument>(`${this.#prefix}uploads`, { writeConcern });
    const parts = db.collection<PartDocument>(`${this.#prefix}upload_parts`, { writeConcern });
    await Promise.all([
      parts.createIndex({ upload_id: 1, offset: 1 }, { unique: true, name: 'upload_id_1_offset_1' }),
      uploads.createIndex({ creation_date: 1 }, { name: 'creation_date_1' }),
    ]);
    this.#uploads = uploads;
    this.#parts = parts;
  }

  async close(): Promise<void> {
    this.#uploads = null;
    this.#parts = null;
    await this.#connection.close();
  }

  override async create(upload: Upload): Promise<Upload> {
    const { uploads } = this.#ready();
    upload.creation_date ??= new Date().toISOString();
    await uploads.insertOne({
      _id: upload.id,
      size: upload.size ?? null,
      offset: upload.offset ?? 0,
      metadata: upload.metadata ?? {},
      creation_date: upload.creation_date,
    });
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const found = await this.#ready().uploads.findOne({ _id: id });
    if (!found) throw ERRORS.FILE_NOT_FOUND;
    return new Upload({ id, size: found.size ?? undefined, offset: found.offset, metadata: found.metadata, creation_date: found.creation_date });
  }

  /** The ids of the uploads it holds (the resumable route's sweep asks whether their batches still take files). */
  async listUploads(): Promise<string[]> {
    const held = await this.#ready()
      .uploads.find({}, { projection: { _id: 1 } })
      .toArray();
    return held.map((upload) => upload._id);
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    await this.#ready().uploads.updateOne({ _id: id, size: null }, { $set: { size: length } });
  }

  override async remove(id: string): Promise<void> {
    const { uploads, parts } = this.#ready();
    const { deletedCount } = await uploads.deleteOne({ _id: id });
    await parts.deleteMany({ upload_id: id });
    if (deletedCount === 0) throw ERRORS.FILE_NOT_FOUND;
  }

  /**
   * Appends what `stream` brings at `offset`, a part at a time; resolves with the new
   * offset. Bytes that arrived before the stream broke are kept, then the error is thrown.
   */
  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const { uploads, parts } = this.#ready();
    let at = offset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await parts.insertOne({ upload_id: id, offset: at, data: new Binary(data) });
      const moved = await uploads.updateOne({ _id: id, offset: at }, { $set: { offset: at + data.length } });
      if (moved.matchedCount === 0) {
        // Another request moved the offset meanwhile: this part is not the upload's.
        await parts.deleteOne({ upload_id: id, offset: at });
        throw ERRORS.INVALID_OFFSET;
      }
      at += data.length;
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let rest = chunk;
        while (rest.length > 0) {
          const room = PART_BYTES - pendingBytes;
          pending.push(rest.subarray(0, room));
          pendingBytes += Math.min(room, rest.length);
          rest = rest.subarray(room);
          if (pendingBytes === PART_BYTES) await flush();
        }
      }
    } catch (error) {
      await flush();
      throw error;
    }
    await flush();
    return at;
  }

  /** The bytes of an upload, in order (for the file it becomes once complete). */
  read(id: string): Readable {
    const parts = this.#ready().parts;
    return Readable.from(
      (async function* () {
        for await (const part of parts.find({ upload_id: id }).sort({ offset: 1 })) yield Buffer.from(part.data.buffer);
      })(),
    );
  }

  override getExpiration(): number {
    return this.#expireAfterMs;
  }

  /** Removes uploads that began longer than `expireAfterMs` ago and are not complete, with their bytes. */
  override async deleteExpired(): Promise<number> {
    const { uploads } = this.#ready();
    const before = new Date(Date.now() - this.#expireAfterMs).toISOString();
    const expired = await uploads.find({ creation_date: { $lt: before } }, { projection: { _id: 1, size: 1, offset: 1 } }).toArray();
    let removed = 0;
    for (const upload of expired) {
      if (upload.size !== null && upload.offset === upload.size) continue;
      await this.remove(upload._id).then(
        () => removed++,
        () => undefined,
      );
    }
    return removed;
  }

  #ready(): { uploads: Collection<UploadDocument>; parts: Collection<PartDocument> } {
    if (!this.#uploads || !this.#parts) throw new Error('MongoResumableStore: call init() first.');
    return { uploads: this.#uploads, parts: this.#parts };
  }
}
