import type { InspectionResult } from '@batch-uploader/protocol';
import sharp, { type FailOnOptions, type Metadata, type Sharp } from 'sharp';
import { fileError } from './file-error.js';
import type { ImageBudget } from './budgets.js';
import { pngIsWhole } from './png-chunks.js';

/** Facts only an image has. */
export type ImageFacts = Pick<InspectionResult, 'pages' | 'width' | 'height' | 'metadata'>;

// How strict libvips is with each format's pixel data. JPEG: any warning of libjpeg
// means damaged data ('error' passes a scan cut short before its end marker, which
// libjpeg pads with grey as "premature end of data segment"). TIFF: 'error', because
// 'warning' also refuses the private tags scanners and fax software write (libtiff
// warns about every unknown tag). PNG and WebP: 'error' refuses every truncation.
const FAIL_ON: Readonly<Record<string, FailOnOptions>> = {
  'image/jpeg': 'warning',
  'image/tiff': 'error',
  'image/png': 'error',
  'image/webp': 'error',
};

// libvips's JPEG reader fails a read on a libjpeg warning only at the start of the next
// band of rows, so a warning while decoding the last rows is reported only as this
// summary when the reader closes.
const JPEG_WARNINGS = /read gave \d+ warnings?/;

// Our own decodes never overlap in one thread (see inspectImage).
let queue: Promise<unknown> = Promise.resolve();

/**
 * Decodes every page of a PNG, JPEG, TIFF or WebP image (up to `budget.maxPages`) and
 * returns its size. Header-only readers pass truncated images, so all pixels are
 * decoded, as a stream (a small resize), so memory does not grow with the image. An
 * image over a budget of `budget` fails with `TOO_COMPLEX` before its pixels are decoded.
 *
 * libvips keeps its error messages and warnings per process, not per call: with two
 * decodes at once, one call can take or clear the other's, which made damaged images
 * pass at random. So the verdict rests on each call's own return code, never on a
 * message, and decodes made here run one at a time. Only a process that runs nothing
 * else with sharp (as the inspect processor's parser processes do) is free of other
 * callers' interference. The first call turns sharp's operation cache off, for the
 * whole process (see below).
 */
export function inspectImage(bytes: Uint8Array, type: string, budget: ImageBudget): Promise<ImageFacts> {
  const run = queue.then(() => inspect(bytes, type, budget));
  queue = run.catch(() => {});
  return run;
}

async function inspect(bytes: Uint8Array, type: string, budget: ImageBudget): Promise<ImageFacts> {
  // libvips's operation cache keeps a decoder open after its call, and a JPEG decoder
  // reports its warnings only when it closes: with the cache on, damage in the last rows
  // of a JPEG would go unseen. It is a setting of the whole process.
  if (sharp.cache().items.max !== 0) sharp.cache(false);
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const failOn = FAIL_ON[type] ?? 'warning';
  if (type === 'image/png' && !pngIsWhole(input)) throw fileError('CORRUPT_FILE');
  let info: Metadata;
  try {
    // The header alone: the pixel limit is checked below, to fail with its own code.
    info = await sharp(input, { failOn, limitInputPixels: false }).metadata();
  } catch (error) {
    throw fileError('CORRUPT_FILE', error);
  }
  const pages = info.pages ?? 1;
  const decoded = Math.min(pages, budget.maxPages);
  let pixels = 0;
  // Page by page, because loading all pages at once requires them to share one size.
  for (let page = 0; page < decoded; page++) {
    const size = page === 0 ? info : await pageHeader(input, failOn, page);
    const pagePixels = (size.width ?? 0) * (size.height ?? 0);
    pixels += pagePixels;
    if (pagePixels > budget.maxPixels || pixels > budget.maxTotalPixels) throw fileError('TOO_COMPLEX');
  }
  for (let page = 0; page < decoded; page++) await decodePage(input, failOn, page, type, budget);
  const metadata = imageMetadata(info);
  return {
    pages,
    width: info.autoOrient.width,
    height: info.autoOrient.height,
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

async function pageHeader(input: Buffer, failOn: FailOnOptions, page: number): Promise<Metadata> {
  try {
    return await sharp(input, { failOn, limitInputPixels: false, page }).metadata();
  } catch (error) {
    throw fileError('CORRUPT_FILE', error);
  }
}

/**
 * Decodes every pixel of one page into an 8 × 8 thumbnail: libvips streams the rows
 * through, so memory stays small whatever the page's size. Shrink-on-load is off so
 * that JPEG and WebP decoders read every pixel at full size.
 */
async function decodePage(input: Buffer, failOn: FailOnOptions, page: number, type: string, budget: ImageBudget): Promise<void> {
  const warnings: string[] = [];
  const image: Sharp = sharp(input, { failOn, limitInputPixels: budget.maxPixels, sequentialRead: true, page });
  image.on('warning', (warning: string) => warnings.push(warning));
  try {
    await image.resize(8, 8, { fit: 'fill', fastShrinkOnLoad: false }).raw().toBuffer();
  } catch (error) {
    throw fileError('CORRUPT_FILE', error);
  }
  if (type === 'image/jpeg' && warnings.some((warning) => JPEG_WARNINGS.test(warning))) throw fileError('CORRUPT_FILE');
}

function imageMetadata(info: Metadata): Record<string, string> {
  const metadata: Record<string, string> = { color_space: info.space };
  if (info.density) metadata.dpi = String(Math.round(info.density));
  return metadata;
}
