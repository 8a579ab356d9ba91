/** What needs the parsers, as their missing-package error names it. */
export const INSPECT_FEATURE = 'The inspect processor (@batch-uploader/server/inspect)';

/** The optional peers that parse documents: images (libvips) and PDFs. */
export const INSPECT_PEERS: readonly string[] = ['sharp', 'pdfjs-dist'];
