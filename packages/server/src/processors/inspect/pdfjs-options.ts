import { fileURLToPath } from 'node:url';
import { VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';

const PDFJS = 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * How every server-side `getDocument` opens an untrusted PDF: no code built from the
 * file (`isEvalSupported`), no system fonts, font faces, XFA forms, WASM decoders or
 * browser image APIs; pdfjs's predefined CMaps read from disk (without them the text of
 * CJK PDFs that use them comes out empty); only errors reported.
 */
export const PDFJS_SAFE_OPTIONS = {
  isEvalSupported: false,
  useSystemFonts: false,
  disableFontFace: true,
  enableXfa: false,
  useWasm: false,
  isOffscreenCanvasSupported: false,
  isImageDecoderSupported: false,
  cMapUrl: fileURLToPath(new URL('../../cmaps/', import.meta.resolve(PDFJS))),
  cMapPacked: true,
  verbosity: VerbosityLevel.ERRORS,
} as const;

/** pdfjs's own copies of the standard 14 fonts, for drawing pages without system fonts. */
export const PDFJS_STANDARD_FONTS = fileURLToPath(new URL('../../standard_fonts/', import.meta.resolve(PDFJS)));
