export { BLOB_KEY_PATTERN, LocalBlobStore } from './local-blob-store.js';
export type { LocalBlobStoreOptions } from './local-blob-store.js';
