/**
 * @batch-uploader/element — the `<batch-uploader>` custom element. This entry registers
 * nothing; import `@batch-uploader/element/batch-uploader.js` to define the tag.
 */
export { BatchUploader } from './batch-uploader/batch-uploader.component.js';
export { emit, describeError } from './events.js';
export type { BatchUploaderEvent, BatchUploaderEventMap, BatchUploaderEvents } from './events.js';
export { DEFAULT_STRINGS, resolveStrings } from './strings.js';
export type { BatchUploaderStringOverrides, BatchUploaderStrings, RejectionParams } from './strings.js';
export { SessionController } from './controllers/session-controller.js';
export type { SessionControllerOptions } from './controllers/session-controller.js';
export { DropZoneController } from './controllers/drop-zone-controller.js';
export { WindowController } from './controllers/window-controller.js';
export type { WindowRange } from './controllers/window-controller.js';
export { ToastController } from './controllers/toast-controller.js';
export { HistoryController } from './controllers/history-controller.js';
export { crossedMilestone, MILESTONES } from './milestones.js';
export { acceptedTypes, formatBytes, parseSize, toMb } from './format.js';
