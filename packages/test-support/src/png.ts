import { crc32 } from 'node:zlib';

/** The fields of a PNG's IHDR chunk a test varies. */
export interface PngHeader {
  width: number;
  height: number;
  /** 0 grey, 2 RGB. */
  colourType: 0 | 2;
  /** 1: Adam7 interlacing. @default 0 */
  interlace?: 0 | 1;
}

/** A PNG of 8-bit samples from its header and its compressed image data (`idat`), which is not checked. */
export function pngFile({ width, height, colourType, interlace = 0 }: PngHeader, idat: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = colourType;
  header[12] = interlace;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** One PNG chunk: length, type, data and the CRC of type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
