import { ACCEPTED_TYPES, type DocumentReading } from '@batch-uploader/protocol';
import { fileError } from '../inspect/file-error.js';
import { SNIFF_BYTES, sniffType } from '../../shared/sniff-type.js';
import { assertPeersInstalled } from '../../shared/peer-dependency.js';
import { DOCUMENTS_FEATURE, DOCUMENTS_PEERS } from './documents-peers.js';
import { classify, fit, readFields } from './read-fields.js';
import type { DocumentText } from './read-text.js';
import { builtInTemplates, compileTemplate, mergeTemplates, type CompiledTemplate, type DocumentTemplate } from './templates.js';

/** Options of {@link readDocument}. */
export interface ReadDocumentOptions {
  /** The template to read the document with; null or an id no template has: the type is classified. */
  template_id?: string | null;
  /** Templates besides the built-in ones (a workspace's own); one with a built-in's id replaces it. */
  templates?: readonly DocumentTemplate[];
  /** Pages read from the start of a document, by text layer or OCR; later pages are not read. @default 3 */
  maxPages?: number;
}

/** The reading and how much OCR it took. */
export interface DocumentReadingWithCost {
  document: DocumentReading;
  /** Pages that went through OCR. */
  ocrPages: number;
}

/** Pages read by default: a document's type and its patient's identifiers are on its first pages. */
export const DEFAULT_READ_PAGES = 3;

// Compiled sets, by the templates they were made from (the same array each call from a processor).
const compiled = new WeakMap<readonly DocumentTemplate[], CompiledTemplate[]>();
let common: CompiledTemplate | undefined;

/**
 * Reads a document's bytes (PDF or image) in the calling thread: its text (text layer,
 * else OCR), its type (the template named by `template_id`, else the best-scoring
 * template) and its fields. Text that is not recognisable gives type `unknown` and no
 * fields. It checks no integrity and no decoding budget: the documents processor runs
 * the inspector's checks first, in a memory-capped process. The text itself is not
 * returned: only the fields.
 * @example const { type, fields } = await readDocument(bytes);
 */
export async function readDocument(bytes: Uint8Array, options: ReadDocumentOptions = {}): Promise<DocumentReading> {
  return (await readDocumentWithCost(bytes, options)).document;
}

/** {@link readDocument}, also saying how many pages went through OCR (for budgets and benchmarks). */
export async function readDocumentWithCost(bytes: Uint8Array, options: ReadDocumentOptions = {}): Promise<DocumentReadingWithCost> {
  assertPeersInstalled(DOCUMENTS_FEATURE, ...DOCUMENTS_PEERS);
  const type = await sniffType(bytes.subarray(0, SNIFF_BYTES));
  if (type === null || !(ACCEPTED_TYPES as readonly string[]).includes(type)) throw fileError('UNSUPPORTED_TYPE');
  const maxPages = options.maxPages ?? DEFAULT_READ_PAGES;
  // Loaded on first use: importing the package never loads pdfjs or sharp.
  const { readImageText, readPdfText } = await import('./read-text.js');
  const text: DocumentText = type === 'application/pdf' ? await readPdfText(bytes, { maxPages }) : await readImageText(bytes, { maxPages });
  const templates = await templateSet(options.templates ?? []);
  return { document: interpret(text, templates, options.template_id ?? null), ocrPages: text.ocrPages };
}

function interpret(text: DocumentText, set: { templates: CompiledTemplate[]; common: CompiledTemplate }, templateId: string | null): DocumentReading {
  const base = { text_source: text.source };
  if (text.text.length === 0) return { type: 'unknown', template_id: null, confidence: 0, ...base, fields: {} };
  const picked = templateId === null ? undefined : set.templates.find((entry) => entry.template.id === templateId);
  const { template, confidence } = picked ? { template: picked, confidence: fit(text.text, picked) } : classify(text.text, set.templates);
  // Unknown documents keep their identifiers: a letter of no known type still names its patient.
  const fields = readFields(text.text, template, set.common);
  return { type: template?.template.type ?? 'unknown', template_id: template?.template.id ?? null, confidence, ...base, fields };
}

async function templateSet(extra: readonly DocumentTemplate[]): Promise<{ templates: CompiledTemplate[]; common: CompiledTemplate }> {
  const builtIn = await builtInTemplates();
  common ??= compileTemplate({
    id: 'common',
    type: 'common',
    recognise: { min_score: 1, patterns: [{ pattern: '.', weight: 1 }] },
    fields: builtIn.commonFields,
  });
  let templates = compiled.get(extra);
  if (!templates) {
    templates = mergeTemplates(builtIn.templates, extra).map(compileTemplate);
    compiled.set(extra, templates);
  }
  return { templates, common };
}
