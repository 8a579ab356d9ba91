export {
  runAnalyticsSuite,
  runBatchControlSuite,
  runBatchRecordsSuite,
  runFileQueueSuite,
  runOutboxSuite,
  runRetentionSuite,
  runStoreConformanceSuite,
} from './store-suite.js';
export type { MakeStoreStorage, StoreHandleOptions, StoreStorage } from './store-test.js';
export { runBlobStoreConformanceSuite } from './blob-store-suite.js';
export type { MakeBlobStore } from './blob-store-suite.js';
