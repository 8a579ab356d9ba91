export { createDocumentsProcessor } from './documents-processor.js';
export type { DocumentsProcessor, DocumentsProcessorOptions, DocumentsResult } from './documents-processor.js';
export { readDocument, readDocumentWithCost, DEFAULT_READ_PAGES } from './read-document.js';
export type { ReadDocumentOptions, DocumentReadingWithCost } from './read-document.js';
export { loadTemplatesDir, validateTemplate, TemplateError, PATTERN_MACROS } from './templates.js';
export type { DocumentTemplate, FieldRule, FieldValidator, RecognitionRule } from './templates.js';
export { isValidNhsNumber, nhsCheckDigit } from './nhs-number.js';
export { normaliseDate, normaliseName, normaliseNhsNumber, normaliseMrn, nameKey } from './normalise.js';
export { stopOcr } from './ocr.js';
