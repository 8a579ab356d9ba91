import { availableParallelism } from 'node:os';

/** Default limits of the document inspector, in one place. */
export const INSPECT_DEFAULTS = Object.freeze({
  /** Longest one document may take to parse before it fails with `PROCESSING_TIMEOUT`. @default 30000 */
  timeoutMs: 30_000,
  /** Most characters of text returned from a PDF. @default 2000 */
  maxTextChars: 2_000,
  /** How many leading PDF pages text is taken from. @default 3 */
  textPages: 3,
  /** How many PDF pages are loaded to prove the file is whole; longer files are trusted past this. @default 500 */
  maxCheckedPdfPages: 500,
  /** How many image pages (multi-page TIFF, animated WebP) are fully decoded. @default 100 */
  maxCheckedImagePages: 100,
  /** Largest image page, in pixels, that is decoded; bigger ones are refused as decompression bombs. @default 100000000 */
  maxImagePixels: 100_000_000,
  /** Longest single metadata value kept. @default 200 */
  maxMetadataChars: 200,
  /** Parser threads kept for inspection. @default min(3, available CPUs) */
  maxWorkers: Math.min(3, availableParallelism()),
  /** How long an unused parser thread is kept before it is stopped to free its memory. @default 60000 */
  idleTimeoutMs: 60_000,
  /** V8 heap limit of one parser thread, so a hostile PDF cannot exhaust the server's memory. @default 1024 */
  workerHeapMb: 1_024,
});
