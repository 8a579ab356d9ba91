import type { InspectionResult } from '@batch-uploader/protocol';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { INSPECT_DEFAULTS } from './defaults.js';
import { fileError } from './file-error.js';

/** Facts only an image has. */
export type ImageFacts = Pick<InspectionResult, 'pages' | 'width' | 'height' | 'metadata'>;

// 'error' and not 'truncated': libvips reports a TIFF whose tail (JPEG tables, later
// pages) is cut off only as an error. 'warning' is no stricter for our cases and also
// refuses files every viewer opens (e.g. PNGs with a slightly wrong sRGB profile).
const DECODE: SharpOptions = {
  failOn: 'error',
  limitInputPixels: INSPECT_DEFAULTS.maxImagePixels,
  sequentialRead: true,
};

/**
 * Decodes every page of a PNG, JPEG, TIFF or WebP image (up to a cap) and returns its size.
 * Header-only readers pass truncated images, so all pixels are decoded; an image larger
 * than the pixel limit is refused before decoding.
 */
export async function inspectImage(bytes: Uint8Array): Promise<ImageFacts> {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const info = await sharp(input, DECODE).metadata();
    const pages = info.pages ?? 1;
    const decoded = Math.min(pages, INSPECT_DEFAULTS.maxCheckedImagePages);
    // Page by page, because loading all pages at once requires them to share one size.
    for (let page = 0; page < decoded; page++) await sharp(input, { ...DECODE, page }).stats();
    const metadata = imageMetadata(info);
    return {
      pages,
      width: info.autoOrient.width,
      height: info.autoOrient.height,
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    };
  } catch (error) {
    throw fileError('CORRUPT_FILE', error);
  }
}

function imageMetadata(info: Metadata): Record<string, string> {
  const metadata: Record<string, string> = { color_space: info.space };
  if (info.density) metadata.dpi = String(Math.round(info.density));
  return metadata;
}
