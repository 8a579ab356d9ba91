import type { InspectionResult } from '@batch-uploader/protocol';
import type { ProcessorContext, ProcessorFile } from '../processor.js';
import { createParserProcessor, type InspectProcessorOptions } from '../inspect/inspect-processor.js';
import { assertPeersInstalled } from '../../shared/peer-dependency.js';
import { DOCUMENTS_FEATURE, DOCUMENTS_PEERS } from './documents-peers.js';
import { DEFAULT_READ_PAGES } from './read-document.js';
import { validateTemplate, type DocumentTemplate } from './templates.js';

/** Memory of one parser process of the documents processor, in MiB, unless `memoryLimitMb` says otherwise. */
export const DOCUMENTS_MEMORY_LIMIT_MB = 1024;

/** Options of {@link createDocumentsProcessor}: the inspector's, and how documents are read. */
export interface DocumentsProcessorOptions extends InspectProcessorOptions {
  /**
   * Memory one parser process may hold, in MiB (see the inspector's option): OCR needs
   * about 300 MiB more than parsing. @default 1024
   */
  memoryLimitMb?: number;
  /**
   * Templates besides the five built-in ones (see `loadTemplatesDir`); one with a
   * built-in's id replaces it. Checked here: an invalid one throws a `TemplateError`.
   */
  templates?: readonly DocumentTemplate[];
  /**
   * Pages read from the start of each document, by text layer or OCR: a document's type
   * and its patient's identifiers are on its first pages, and OCR takes about a second a
   * page. Later pages are checked by the inspector but not read. @default 3
   */
  maxReadPages?: number;
}

/** The documents processor's result: the inspector's facts and `document`. */
export type DocumentsResult = InspectionResult & { document: NonNullable<InspectionResult['document']> };

/** A processor made by {@link createDocumentsProcessor}; `close()` stops its processes. */
export type DocumentsProcessor = ((file: ProcessorFile, context: ProcessorContext) => Promise<DocumentsResult>) & { close(): Promise<void> };

/**
 * Creates the documents processor: everything the inspect processor does (integrity,
 * budgets, page count, in memory-capped parser processes), then it reads the document —
 * the PDF's text layer, or OCR of scanned pages and images — and returns its type and
 * fields as `result.document`. The upload's `template_id` picks a template; otherwise
 * the type is classified. Its processes' time and memory limits cover the reading too:
 * a file over them fails with `PROCESSING_TIMEOUT` or `TOO_COMPLEX`.
 * @example const processor = createDocumentsProcessor({ templates: await loadTemplatesDir('./templates') });
 */
export function createDocumentsProcessor(options: DocumentsProcessorOptions = {}): DocumentsProcessor {
  assertPeersInstalled(DOCUMENTS_FEATURE, ...DOCUMENTS_PEERS);
  const templates = (options.templates ?? []).map((template, i) => validateTemplate(template, `options.templates[${i}]`));
  const maxPages = options.maxReadPages ?? DEFAULT_READ_PAGES;
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 1000) {
    throw new RangeError(`createDocumentsProcessor: maxReadPages must be a whole number from 1 to 1000; got ${String(options.maxReadPages)}.`);
  }
  // OCR's engine keeps the memory of its largest page for the life of its process.
  const processOptions = { ...options, memoryLimitMb: options.memoryLimitMb ?? DOCUMENTS_MEMORY_LIMIT_MB };
  return createParserProcessor<DocumentsResult>(processOptions, (context) => ({ template_id: context.template_id, templates, maxPages }));
}
