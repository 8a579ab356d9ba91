import type * as MongoDriver from 'mongodb';
import { mongoDriver } from './mongo-driver.js';

export { MongoStore } from './mongo-store.js';
export type { MongoStoreOptions } from './mongo-store.js';
export { GridFsBlobStore } from './gridfs-blob-store.js';
export { MongoResumableStore } from './mongo-resumable-store.js';
export type { MongoResumableStoreOptions } from './mongo-resumable-store.js';
export type { GridFsBlobStoreOptions } from './gridfs-blob-store.js';
export { CLIENT_DEFAULTS, DEFAULT_DB_NAME, dbNameInUri } from './mongo-connection.js';
export type { MongoConnectionOptions } from './mongo-connection.js';
export { DEFAULT_COLLECTION_PREFIX } from './mongo-schema.js';

/**
 * The driver's client, re-exported so that both stores can share one client made with
 * the very copy of `mongodb` they use.
 */
export const MongoClient: typeof MongoDriver.MongoClient = mongoDriver.MongoClient;
/** A client of the driver. */
export type MongoClient = MongoDriver.MongoClient;
