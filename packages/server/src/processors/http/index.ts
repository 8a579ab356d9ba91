export { CONTEXT_HEADER, createHttpProcessor } from './http-processor.js';
export type { HttpProcessor, HttpProcessorContext } from './http-processor.js';
export { HTTP_PROCESSOR_DEFAULTS } from './http-processor-options.js';
export type { HttpProcessorOptions } from './http-processor-options.js';
