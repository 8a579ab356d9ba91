import { createHash } from 'node:crypto';
import { ACCEPTED_TYPES, type InspectionResult } from '@batch-uploader/protocol';
import { imageBudget, type DecodeBudget } from './budgets.js';
import { INSPECT_DEFAULTS } from './defaults.js';
import { fileError } from './file-error.js';
import { INSPECT_FEATURE, INSPECT_PEERS } from './inspect-peers.js';
import { assertPeersInstalled } from '../../shared/peer-dependency.js';
import { SNIFF_BYTES, sniffType } from '../../shared/sniff-type.js';

/** Options of {@link inspectDocument}. */
export interface InspectDocumentOptions extends Partial<DecodeBudget> {
  /** Most characters of PDF text returned; 0 returns none. @default 2000 */
  maxTextChars?: number;
  /** The caller gives `bytes` up, so the PDF parser may take their memory instead of a copy. @default false */
  handOver?: boolean;
}

/**
 * Inspects a document's bytes and returns its facts. The type is sniffed from the bytes;
 * PDFs are parsed strictly and every image page is fully decoded, so damaged files fail.
 * Throws a `PermanentError` whose code is a `FILE_ERRORS` key when the file is bad, and
 * `TOO_COMPLEX` when it is over a decoding budget (see `INSPECT_DEFAULTS`).
 *
 * This runs in the calling thread, with no memory limit but the budgets: the inspect
 * processor runs it in parser processes whose memory the OS caps.
 */
export async function inspectDocument(bytes: Uint8Array, options: InspectDocumentOptions = {}): Promise<InspectionResult> {
  if (bytes.length === 0) throw fileError('EMPTY_DOCUMENT');
  const detected = await sniffType(bytes.subarray(0, SNIFF_BYTES));
  if (detected === null || !(ACCEPTED_TYPES as readonly string[]).includes(detected)) {
    throw fileError('UNSUPPORTED_TYPE');
  }
  const base: InspectionResult = {
    detected_type: detected,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  const budget = decodeBudget(options);
  assertPeersInstalled(INSPECT_FEATURE, ...INSPECT_PEERS);
  // Parsers load on demand so that importing this folder (for sniffType) never pulls
  // pdfjs and sharp into the main thread.
  if (detected === 'application/pdf') {
    const { inspectPdf } = await import('./inspect-pdf.js');
    const maxTextChars = options.maxTextChars ?? INSPECT_DEFAULTS.maxTextChars;
    return {
      ...base,
      ...(await inspectPdf(bytes, { maxTextChars, handOver: options.handOver ?? false, maxStreamBytes: budget.maxPdfStreamBytes })),
    };
  }
  const { inspectImage } = await import('./inspect-image.js');
  return { ...base, ...(await inspectImage(bytes, detected, imageBudget(budget))) };
}

/** The budgets of `options`, defaults filled in. */
export function decodeBudget(options: Partial<DecodeBudget>): DecodeBudget {
  return {
    maxImagePixels: options.maxImagePixels ?? INSPECT_DEFAULTS.maxImagePixels,
    maxImageTotalPixels: options.maxImageTotalPixels ?? INSPECT_DEFAULTS.maxImageTotalPixels,
    maxImagePages: options.maxImagePages ?? INSPECT_DEFAULTS.maxImagePages,
    maxPdfStreamBytes: options.maxPdfStreamBytes ?? INSPECT_DEFAULTS.maxPdfStreamBytes,
  };
}

/** Loads the parsers ahead of the first document, so a fresh process's first file is not slower. */
export async function loadParsers(): Promise<void> {
  assertPeersInstalled(INSPECT_FEATURE, ...INSPECT_PEERS);
  await Promise.all([import('./inspect-pdf.js'), import('./inspect-image.js')]);
}
