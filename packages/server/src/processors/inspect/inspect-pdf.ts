// Registers pdfjs's worker side on globalThis, so the "fake worker" runs in this thread
// without looking up or fetching a worker script.
import 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import type { InspectionResult } from '@batch-uploader/protocol';
import { PDFDateString, getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { isPermanentError } from '../processor.js';
import { INSPECT_DEFAULTS } from './defaults.js';
import { fileError } from './file-error.js';
import { exceedsStreamBudget } from './pdf-stream-budget.js';
import { PDFJS_SAFE_OPTIONS } from './pdfjs-options.js';

/** Facts only a PDF has. */
export type PdfFacts = Pick<InspectionResult, 'pages' | 'text' | 'metadata'>;

/** Options of {@link inspectPdf}. */
export interface InspectPdfOptions {
  /** Most characters of text returned; 0 skips text. */
  maxTextChars: number;
  /**
   * The caller gives `bytes` up: the parser may take their memory (detaching it) instead
   * of a copy, which saves the document's size again. @default false
   */
  handOver?: boolean;
  /** Most bytes the PDF's streams other than images may inflate to; more fails with `TOO_COMPLEX`. */
  maxStreamBytes: number;
}

const HEADER = /^%PDF-(?:1\.\d|2\.0)/;
const TRAILER = /^startxref\s+(\d+)\s+%%EOF/;
const TAIL_BYTES = 1024;

const INFO_FIELDS: Readonly<Record<string, string>> = {
  Title: 'title',
  Author: 'author',
  Subject: 'subject',
  Keywords: 'keywords',
  Creator: 'creator',
  Producer: 'producer',
};
const DATE_FIELDS: Readonly<Record<string, string>> = { CreationDate: 'creation_date', ModDate: 'modification_date' };

/**
 * Parses a PDF strictly: whole header and trailer, a decoding budget, then pdfjs with `stopAtErrors`, loading
 * every page (up to a cap) and the text of the first pages.
 */
export async function inspectPdf(bytes: Uint8Array, options: InspectPdfOptions): Promise<PdfFacts> {
  checkEnvelope(bytes);
  // Before pdfjs, which would hold every inflated stream in memory.
  if (await exceedsStreamBudget(bytes, options.maxStreamBytes)) throw fileError('TOO_COMPLEX');
  const task = getDocument({
    ...PDFJS_SAFE_OPTIONS,
    // pdfjs refuses Buffers and transfers (detaches) the whole ArrayBuffer it is given,
    // which may be the caller's or Node's shared buffer pool: unless the bytes are handed
    // over, it gets its own copy; if they are, a plain view of the same memory.
    data: options.handOver ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes),
    stopAtErrors: true,
  });
  try {
    const pdf = await task.promise;
    if (pdf.numPages === 0) throw fileError('EMPTY_DOCUMENT');
    const text = await readPages(pdf, options.maxTextChars);
    const metadata = await readMetadata(pdf);
    return {
      pages: pdf.numPages,
      ...(text ? { text } : {}),
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    };
  } catch (error) {
    throw classify(error);
  } finally {
    await task.destroy();
  }
}

/**
 * Lenient parsers (pdfjs included) rebuild a missing cross-reference table, and magic
 * bytes survive truncation; a whole file starts with a version header and ends with a
 * `startxref` that points inside it, so a cut-off upload fails here already.
 */
function checkEnvelope(bytes: Uint8Array): void {
  if (!HEADER.test(latin1(bytes.subarray(0, 16)))) throw fileError('CORRUPT_FILE');
  const tail = latin1(bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)));
  const start = tail.lastIndexOf('startxref');
  const match = start === -1 ? null : TRAILER.exec(tail.slice(start));
  const offset = match ? Number(match[1]) : NaN;
  if (!(offset > 0 && offset < bytes.length)) throw fileError('CORRUPT_FILE');
}

async function readPages(pdf: PDFDocumentProxy, maxTextChars: number): Promise<string> {
  const checked = Math.min(pdf.numPages, INSPECT_DEFAULTS.maxCheckedPdfPages);
  let text = '';
  for (let number = 1; number <= checked; number++) {
    const page = await pdf.getPage(number);
    if (number <= INSPECT_DEFAULTS.textPages && text.length < maxTextChars) {
      const pageText = await readText(page);
      if (pageText) text += (text ? '\n\n' : '') + pageText;
    }
    page.cleanup();
  }
  return truncate(text, maxTextChars);
}

async function readText(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  let raw = '';
  for (const item of content.items) {
    if ('str' in item) raw += item.str + (item.hasEOL ? '\n' : ' ');
  }
  return raw
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \u00A0]+/g, ' ').trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

async function readMetadata(pdf: PDFDocumentProxy): Promise<Record<string, string>> {
  const { info } = await pdf.getMetadata();
  const fields = (info ?? {}) as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  const put = (key: string, value: string | undefined): void => {
    const clean = value?.replace(/[\u0000-\u001F\u007F]/g, ' ').trim();
    if (clean) metadata[key] = truncate(clean, INSPECT_DEFAULTS.maxMetadataChars);
  };
  for (const [field, key] of Object.entries(INFO_FIELDS)) {
    const value = fields[field];
    if (typeof value === 'string') put(key, value);
  }
  for (const [field, key] of Object.entries(DATE_FIELDS)) {
    const value = fields[field];
    const date = typeof value === 'string' ? PDFDateString.toDateObject(value) : null;
    if (date && !Number.isNaN(date.getTime())) put(key, date.toISOString());
  }
  if (typeof fields.PDFFormatVersion === 'string') put('pdf_version', fields.PDFFormatVersion);
  if (typeof fields.EncryptFilterName === 'string') put('encrypted', 'true');
  return metadata;
}

// pdfjs hands every error of its worker side over as one of its exception classes; any
// other error (a broken installation, say) is not the file's fault and stays transient.
function classify(error: unknown): unknown {
  if (!(error instanceof Error) || isPermanentError(error)) return error;
  switch (error.name) {
    case 'PasswordException':
      return fileError('ENCRYPTED_DOCUMENT', error);
    case 'InvalidPDFException':
    case 'UnknownErrorException':
    case 'FormatError':
      return fileError('CORRUPT_FILE', error);
    default:
      return error;
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}
