/**
 * @batch-uploader/element — the `<batch-uploader>` custom element. This entry registers
 * nothing; import `@batch-uploader/element/batch-uploader.js` to define the tag.
 */
export { BatchUploader } from './batch-uploader/batch-uploader.component.js';
export type {
  BatchCompleteDetail,
  BatchCreatedDetail,
  BatchErrorDetail,
  BatchFilesAddedDetail,
  BatchFilesRejectedDetail,
  BatchPausedDetail,
  BatchProgressDetail,
  BatchResumedDetail,
  BatchRetriedDetail,
  BatchUploaderEvent,
  BatchUploaderEventMap,
  BatchUploaderEvents,
} from './events.js';
export { DEFAULT_STRINGS, resolveStrings } from './strings.js';
export type { BatchUploaderStringOverrides, BatchUploaderStrings, RejectionParams } from './strings.js';
