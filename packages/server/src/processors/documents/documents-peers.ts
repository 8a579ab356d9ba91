import { INSPECT_PEERS } from '../inspect/inspect-peers.js';

/** What needs the readers, as their missing-package error names it. */
export const DOCUMENTS_FEATURE = 'The documents processor (createDocumentsProcessor)';

/** The optional peers that read documents: the inspector's, OCR, its English data and the canvas PDF pages are drawn on. */
export const DOCUMENTS_PEERS: readonly string[] = [...INSPECT_PEERS, 'tesseract.js', '@tesseract.js-data/eng', '@napi-rs/canvas'];
