const SIGNATURE_BYTES = 8;
// Length, type and CRC around each chunk's data.
const CHUNK_OVERHEAD = 12;
const IEND = 0x49454e44;

/**
 * True when a PNG's chunks run whole from its signature to its `IEND` chunk. libspng
 * stops reading once it has every row, so a PNG cut within its last chunks (the end
 * of the last data chunk's checksum, `IEND`) decodes without a complaint; walking the
 * chunk lengths (no data is read) finds the cut. Bytes after `IEND` are ignored, as
 * viewers do.
 */
export function pngIsWhole(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SIGNATURE_BYTES;
  while (offset + CHUNK_OVERHEAD <= bytes.length) {
    const length = view.getUint32(offset);
    const type = view.getUint32(offset + 4);
    const end = offset + CHUNK_OVERHEAD + length;
    if (end > bytes.length) return false;
    if (type === IEND) return true;
    offset = end;
  }
  return false;
}
