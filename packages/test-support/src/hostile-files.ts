/**
 * Hostile documents, generated in code: truncations of every accepted image type at
 * many points, headers that promise more than their data holds, and decompression
 * bombs (a PDF page stream compressed twice, a multi-page TIFF whose pages all point
 * at one strip). Small to write and to upload; huge only once decoded.
 */
import { constants, deflateRawSync, deflateSync } from 'node:zlib';
import { makeRawPdf } from './documents.js';
import { pngFile } from './png.js';

const MIB = 2 ** 20;

/**
 * `count` different truncations of `whole`, cut at evenly spread points from its first
 * bytes to its last one; with `withEnd`, each cut is followed by `withEnd` (e.g. a JPEG
 * end marker, so that the file looks finished) and misses more than `withEnd` did.
 */
export function truncations(whole: Buffer, count: number, withEnd?: Buffer): Buffer[] {
  const first = 16;
  // A cut that leaves less than `withEnd` out would only make the file whole again (a
  // JPEG cut before its end marker, followed by one).
  const span = whole.length - 1 - (withEnd?.length ?? 0) - first;
  if (span < 1) throw new RangeError('The file is too small to cut.');
  return Array.from({ length: count }, (_, i) => {
    const cut = first + Math.floor((span * i) / Math.max(1, count - 1));
    const head = whole.subarray(0, cut);
    return Buffer.from(withEnd ? Buffer.concat([head, withEnd]) : head);
  });
}

/** The JPEG end-of-image marker. */
export const JPEG_END = Buffer.from([0xff, 0xd9]);

/**
 * A JPEG whose frame header claims `width` × `height` around the few bytes of pixel data
 * of a small JPEG (which ends properly): the decoder runs out of data at once.
 */
export function withClaimedJpegSize(jpeg: Buffer, width: number, height: number): Buffer {
  const bytes = Buffer.from(jpeg);
  for (let at = 2; at + 9 < bytes.length;) {
    if (bytes[at] !== 0xff) throw new Error('Not a JPEG marker sequence.');
    const marker = bytes[at + 1]!;
    // SOF0–SOF3: baseline, extended, progressive, lossless frame headers.
    if (marker >= 0xc0 && marker <= 0xc3) {
      bytes.writeUInt16BE(height, at + 5);
      bytes.writeUInt16BE(width, at + 7);
      return bytes;
    }
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  throw new Error('The JPEG has no frame header.');
}

/**
 * A zlib stream of `size` zero bytes, built without deflating them: one deflated MiB
 * of zeros ends on a full flush (byte-aligned, self-contained), so it can be repeated.
 */
export function zerosZlib(size: number): Buffer {
  if (size % MIB !== 0) throw new RangeError('size must be a whole number of MiB.');
  const block = deflateRawSync(Buffer.alloc(MIB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const adler = Buffer.alloc(4);
  // Adler-32 of zeros: a stays 1, b adds 1 per byte.
  adler.writeUInt32BE(((size % 65521) << 16) | 1);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array<Buffer>(size / MIB).fill(block), Buffer.from([0x03, 0x00]), adler]);
}

/**
 * A valid one-page PDF whose content stream is FlateDecode-compressed twice: the file
 * is a few KB, its stream inflates to a few MB once and to `inflatedBytes` (4 GiB by
 * default) twice.
 */
export function makeFlateBombPdf(inflatedBytes = 4 * 1024 * MIB): Buffer {
  const twice = deflateSync(zerosZlib(inflatedBytes), { level: 9 });
  return makeRawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
    Buffer.concat([
      Buffer.from(`<< /Length ${twice.length} /Filter [/FlateDecode /FlateDecode] >>\nstream\n`, 'latin1'),
      twice,
      Buffer.from('\nendstream', 'latin1'),
    ]),
  ]);
}

/** One page of {@link makeRawTiff}: greyscale, 8 bits, one strip. */
export interface TiffPage {
  width: number;
  height: number;
  /** The strip's bytes as stored: deflated (zlib) or raw. */
  strip: Buffer;
  compression: 'deflate' | 'none';
}

const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfig: 284,
} as const;

/**
 * A little-endian TIFF written by hand with every directory first and the strips after
 * them (as many scanners write), so a cut lands in pixel data while every header stays
 * whole. Pages whose strips are the same Buffer share one copy of it in the file.
 */
export function makeRawTiff(pages: readonly TiffPage[]): Buffer {
  const entries = Object.keys(TAG).length;
  const ifdBytes = 2 + entries * 12 + 4;
  const strips: Buffer[] = [];
  const stripOffsets = new Map<Buffer, number>();
  let offset = 8 + pages.length * ifdBytes;
  for (const page of pages) {
    if (stripOffsets.has(page.strip)) continue;
    stripOffsets.set(page.strip, offset);
    strips.push(page.strip);
    offset += page.strip.length;
  }
  const head = Buffer.alloc(8 + pages.length * ifdBytes);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  pages.forEach((page, index) => {
    const at = 8 + index * ifdBytes;
    head.writeUInt16LE(entries, at);
    const values: Array<[number, number, number]> = [
      [TAG.NewSubfileType, 4, pages.length > 1 ? 2 : 0],
      [TAG.ImageWidth, 4, page.width],
      [TAG.ImageLength, 4, page.height],
      [TAG.BitsPerSample, 3, 8],
      [TAG.Compression, 3, page.compression === 'deflate' ? 8 : 1],
      [TAG.Photometric, 3, 1],
      [TAG.StripOffsets, 4, stripOffsets.get(page.strip)!],
      [TAG.SamplesPerPixel, 3, 1],
      [TAG.RowsPerStrip, 4, page.height],
      [TAG.StripByteCounts, 4, page.strip.length],
      [TAG.PlanarConfig, 3, 1],
    ];
    values.forEach(([tag, type, value], i) => {
      const entry = at + 2 + i * 12;
      head.writeUInt16LE(tag, entry);
      head.writeUInt16LE(type, entry + 2);
      head.writeUInt32LE(1, entry + 4);
      if (type === 3) head.writeUInt16LE(value, entry + 8);
      else head.writeUInt32LE(value, entry + 8);
    });
    head.writeUInt32LE(index + 1 < pages.length ? at + ifdBytes : 0, at + 2 + entries * 12);
  });
  return Buffer.concat([head, ...strips]);
}

/**
 * A TIFF of `pages` pages of `side` × `side` grey pixels that all point at one deflated
 * strip of zeros: about 100 KB, and `pages` × `side`² pixels (10 gigapixels by default)
 * once decoded.
 */
export function makeOneStripTiffBomb(pages = 100, side = 10_000): Buffer {
  const size = Math.ceil((side * side) / MIB) * MIB;
  const strip = zerosZlib(size);
  return makeRawTiff(Array.from({ length: pages }, () => ({ width: side, height: side, strip, compression: 'deflate' as const })));
}

/** A whole greyscale gradient TIFF of {@link makeRawTiff}'s layout (directory first), deflated or raw. */
export function makeGradientTiff(width: number, height: number, compression: TiffPage['compression']): Buffer {
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = (x * 3 + y * 5) & 0xff;
  const strip = compression === 'deflate' ? deflateSync(pixels) : pixels;
  return makeRawTiff([{ width, height, strip, compression }]);
}

/**
 * A valid interlaced (Adam7) RGB PNG of `side` × `side` black pixels, about 300 KB for
 * 10000 × 10000: libvips decodes interlaced PNGs whole into memory (300 MB for that
 * size), so it needs the memory the pixels take, under every pixel budget.
 */
export function makeInterlacedPng(side = 10_000): Buffer {
  // Pixels, plus one filter byte per row of each of the 7 passes (at most 2 × side rows in all).
  const raw = side * side * 3 + side * 2 * 7;
  return pngFile({ width: side, height: side, colourType: 2, interlace: 1 }, zerosZlib(Math.ceil(raw / MIB) * MIB));
}
