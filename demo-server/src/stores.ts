import { join } from 'node:path';
import type { BlobStore, Logger, ResumableStore, Store } from '@batch-uploader/server';
import type { DemoConfig } from './config.js';
import { FILES_DIR, SQLITE_FILE } from './data-dir.js';

/** The stores a server process works on, opened (init() done) and closed together. */
export interface OpenedStores {
  store: Store;
  blobs: BlobStore;
  /** Where unfinished resumable uploads wait: in the database with MongoDB (any instance continues any upload); null keeps them in `DATA_DIR/resumable`. */
  resumable: ResumableStore | null;
  /** Closes both stores and the connection they share, if any. */
  close(): Promise<void>;
}

/**
 * Opens the stores the configuration asks for: MongoDB records and GridFS bytes when
 * `MONGODB_URI` is set (any number of processes may share them and one queue), else the
 * embedded SQLite file and local folder under `DATA_DIR`. Each driver is imported only on
 * its own path, so a SQLite server never loads `mongodb` and a MongoDB one never loads SQLite.
 */
export async function openStores(config: DemoConfig, logger: Logger): Promise<OpenedStores> {
  return config.mongodbUri ? openMongo(config.mongodbUri, config.resumableExpireHours * 3_600_000) : openEmbedded(config.dataDir);

  async function openMongo(uri: string, expireAfterMs: number): Promise<OpenedStores> {
    const { CLIENT_DEFAULTS, GridFsBlobStore, MongoClient, MongoResumableStore, MongoStore, dbNameInUri, DEFAULT_DB_NAME } =
      await import('@batch-uploader/server/mongodb');
    // One client (one connection pool) for records and bytes.
    const client = new MongoClient(uri, { ...CLIENT_DEFAULTS, serverSelectionTimeoutMS: 15_000 });
    const dbName = dbNameInUri(uri) ?? DEFAULT_DB_NAME;
    try {
      await client.connect();
      const store = new MongoStore({ client, dbName });
      const blobs = new GridFsBlobStore({ client, dbName });
      const resumable = new MongoResumableStore({ client, dbName, expireAfterMs });
      await store.init();
      await blobs.init();
      await resumable.init();
      // Never the URI: it may carry credentials.
      logger.info({ store: 'mongodb', db: dbName }, 'stores opened');
      return {
        store,
        blobs,
        resumable,
        async close() {
          await resumable.close();
          await blobs.close();
          await store.close();
          await client.close();
        },
      };
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  }

  async function openEmbedded(dataDir: string): Promise<OpenedStores> {
    const [{ LocalBlobStore }, { SqliteStore }] = await Promise.all([import('@batch-uploader/server'), import('@batch-uploader/server/sqlite')]);
    const store = new SqliteStore({ path: join(dataDir, SQLITE_FILE) });
    await store.init();
    const blobs = new LocalBlobStore({ dir: join(dataDir, FILES_DIR) });
    await blobs.init();
    logger.info({ store: 'sqlite' }, 'stores opened');
    return {
      store,
      blobs,
      resumable: null,
      async close() {
        await blobs.close();
        await store.close();
      },
    };
  }
}
