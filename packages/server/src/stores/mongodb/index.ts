export { MongoStore } from './mongo-store.js';
export type { MongoStoreOptions } from './mongo-store.js';
export { GridFsBlobStore } from './gridfs-blob-store.js';
export { MongoResumableStore } from './mongo-resumable-store.js';
export type { MongoResumableStoreOptions } from './mongo-resumable-store.js';
export type { GridFsBlobStoreOptions } from './gridfs-blob-store.js';
export { CLIENT_DEFAULTS, DEFAULT_DB_NAME, dbNameInUri } from './mongo-connection.js';
export type { MongoConnectionOptions } from './mongo-connection.js';
export { DEFAULT_COLLECTION_PREFIX } from './mongo-schema.js';
/** The driver's client, re-exported so that a host can share one between both stores without importing `mongodb` itself. */
export { MongoClient } from 'mongodb';
