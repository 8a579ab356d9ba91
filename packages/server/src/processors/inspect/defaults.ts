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
  maxImagePages: 100,
  /** Largest image page, in pixels; a bigger one fails with `TOO_COMPLEX` before it is decoded. @default 100000000 */
  maxImagePixels: 100_000_000,
  /** Most pixels of an image's decoded pages together (e.g. 100 fax pages of 4 megapixels); more fails with `TOO_COMPLEX`. @default 500000000 */
  maxImageTotalPixels: 500_000_000,
  /** Most bytes a PDF's streams other than images inflate to, together; more fails with `TOO_COMPLEX`. @default 134217728 (128 MiB) */
  maxPdfStreamBytes: 128 * 2 ** 20,
  /** Longest single metadata value kept. @default 200 */
  maxMetadataChars: 200,
  /** Parser processes kept for inspection. @default min(3, available CPUs) */
  maxWorkers: Math.min(3, availableParallelism()),
  /** How long an unused parser process is kept before it is stopped to free its memory. @default 60000 */
  idleTimeoutMs: 60_000,
  /**
   * Memory one parser process may hold, in MiB: its private writable memory (RLIMIT_DATA
   * on Linux), which bounds its resident memory too. A file that needs more fails with
   * `TOO_COMPLEX` and the process is replaced. @default 512
   */
  memoryLimitMb: 512,
  /** @deprecated The same as `maxImagePages`. */
  maxCheckedImagePages: 100,
  /** @deprecated Parsers run in processes now; see `memoryLimitMb`, which also caps their V8 heap. */
  workerHeapMb: 512,
});
