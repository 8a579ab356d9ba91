export { runStoreConformanceSuite } from './store-suite.js';
export type { MakeStore } from './store-suite.js';
export { runBlobStoreConformanceSuite } from './blob-store-suite.js';
export type { MakeBlobStore } from './blob-store-suite.js';
