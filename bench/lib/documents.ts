import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { deflateSync } from 'node:zlib';
import { rawPdf as pdfBytes, xrefTable } from '@batch-uploader/test-support/pdf';
import { pngFile } from '@batch-uploader/test-support/png';

/**
 * Documents for the benchmarks, generated in code so that no binary is committed. They
 * are valid, so the server takes its real path: sniffed as PDF or PNG, stored, queued
 * and inspected successfully.
 */

/** A PDF written from object bodies (object 1 the catalog) with a correct cross-reference table. */
export function rawPdf(objects: readonly (string | Buffer)[]): Buffer {
  return Buffer.from(pdfBytes(objects).buffer);
}

/**
 * Writes a one-page PDF of at most `maxBytes` (and within 20 kB of it) whose page shows
 * one uncompressed RGB image of random pixels, like a scanned page: the bytes do not
 * compress, and parsing it is quick. Streams to disk, so no 50 MB buffer is held.
 * Resolves with the file's size.
 */
export async function writeScanPdf(path: string, maxBytes: number): Promise<number> {
  const width = 2_000;
  const rowBytes = width * 3;
  const height = Math.floor((maxBytes - 20_000) / rowBytes);
  if (height < 1) throw new RangeError('writeScanPdf: maxBytes is too small for a page.');
  const pixels = rowBytes * height;
  const content = `q 595 0 0 842 0 0 cm /Im1 Do Q`;

  const out = createWriteStream(path, { mode: 0o600 });
  let length = 0;
  const offsets: number[] = [];
  const write = async (chunk: Buffer | string): Promise<void> => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    length += bytes.length;
    if (!out.write(bytes)) await once(out, 'drain');
  };
  const object = async (body: string): Promise<void> => {
    offsets.push(length);
    await write(`${offsets.length} 0 obj\n${body}\nendobj\n`);
  };

  await write('%PDF-1.4\n%\xE2\xE3\xCF\xD3\n');
  await object('<< /Type /Catalog /Pages 2 0 R >>');
  await object('<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  await object('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>');
  await object(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  offsets.push(length);
  await write(
    `5 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ${pixels} >>\nstream\n`,
  );
  // A fresh buffer per chunk: the stream may still hold the previous one.
  for (let left = pixels; left > 0; left -= 1 << 20) {
    await write(randomFillSync(Buffer.allocUnsafe(Math.min(1 << 20, left))));
  }
  await write('\nendstream\nendobj\n');
  await write(xrefTable(offsets, length));
  out.end();
  await once(out, 'finish');
  return length;
}

/** A text PDF of a few pages, like a laboratory report: one page per entry, each a list of lines. */
export function reportPdf(pages: readonly (readonly string[])[]): Buffer {
  const pageCount = pages.length;
  const font = 3 + pageCount * 2;
  const kids = pages.map((_, i) => `${3 + i * 2} 0 R`).join(' ');
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${kids}] /Count ${pageCount} >>`];
  for (const [i, lines] of pages.entries()) {
    const content = ['BT /F1 11 Tf 50 790 Td 14 TL', ...lines.map((line) => `(${escapePdfText(line)}) '`), 'ET'].join('\n');
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${4 + i * 2} 0 R >>`,
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    );
  }
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  return rawPdf(objects);
}

/** A small gradient PNG, like a photographed document's thumbnail. */
export function gradientPng(width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 255) / width;
      row[2 + x * 3] = (y * 255) / height;
      row[3 + x * 3] = ((x + y) * 255) / (width + height);
    }
    rows.push(row);
  }
  return pngFile({ width, height, colourType: 2 }, deflateSync(Buffer.concat(rows)));
}

function escapePdfText(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}
