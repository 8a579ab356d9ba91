import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes {@link sniffType} needs to recognise every type it knows (file-type's sample size). */
export const SNIFF_BYTES = 4100;

const TIFF_HEADERS = [
  [0x49, 0x49, 0x2a, 0x00],
  [0x4d, 0x4d, 0x00, 0x2a],
] as const;

/**
 * The MIME type of a file from its first {@link SNIFF_BYTES} bytes (or all of a smaller
 * file), e.g. `application/pdf` or `image/png`; null when the bytes match no known type.
 * Names and client-declared types are never consulted.
 */
export async function sniffType(head: Uint8Array): Promise<string | null> {
  if (head.length === 0) return null;
  const sample = head.length > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  const type = await fileTypeFromBuffer(sample);
  if (type) return type.mime;
  // file-type tells TIFF from TIFF-based camera formats by reading the first directory,
  // which most writers put after the pixels, out of reach of the head: without it a
  // classic TIFF header still means TIFF (the decoder decides whether it is whole).
  return TIFF_HEADERS.some((magic) => magic.every((byte, i) => sample[i] === byte)) ? 'image/tiff' : null;
}
