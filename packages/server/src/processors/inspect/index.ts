export { createInspectProcessor } from './inspect-processor.js';
export type { InspectProcessor, InspectProcessorOptions } from './inspect-processor.js';
export { SNIFF_BYTES, sniffType } from '../../shared/sniff-type.js';
export { inspectDocument } from './inspect-document.js';
export type { InspectDocumentOptions } from './inspect-document.js';
export { INSPECT_DEFAULTS } from './defaults.js';
