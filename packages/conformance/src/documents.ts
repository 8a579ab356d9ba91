import { crc32, deflateSync } from 'node:zlib';

/** The files the run uploads, made in code: no patient data, nothing read from disk. */
export interface Documents {
  /** A valid one-page PDF with a line of text. */
  pdf: Blob;
  /** A valid 16×16 PNG. */
  png: Blob;
  /** The first half of {@link pdf}: a damaged document, which processing fails. */
  truncatedPdf: Blob;
  /** Plain text, sent under a `.pdf` name: not an accepted type, whatever the name says. */
  text: Blob;
}

/** Makes the run's documents. */
export function makeDocuments(): Documents {
  const pdf = makePdf('batch-uploader conformance check');
  return {
    pdf: new Blob([pdf], { type: 'application/pdf' }),
    png: new Blob([makePng(16, 16)], { type: 'image/png' }),
    truncatedPdf: new Blob([pdf.subarray(0, Math.floor(pdf.length / 2))], { type: 'application/pdf' }),
    text: new Blob(['This is plain text, not a document.\n'], { type: 'application/pdf' }),
  };
}

/** A file of `size` bytes that starts like a PDF, to go over a size limit. */
export function oversizeFile(size: number): Blob {
  const head = new TextEncoder().encode('%PDF-1.4\n');
  return new Blob([head, new Uint8Array(Math.max(0, size - head.length))], { type: 'application/pdf' });
}

/** A one-page PDF 1.4 with one line of Helvetica text and an exact cross-reference table. */
export function makePdf(text: string): Uint8Array<ArrayBuffer> {
  const content = `BT /F1 12 Tf 20 50 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

/** An 8-bit RGB PNG of a simple gradient. */
export function makePng(width: number, height: number): Uint8Array<ArrayBuffer> {
  const rows = Buffer.alloc(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    rows[row] = 0; // filter: none
    for (let x = 0; x < width; x++) rows.set([x * 16, y * 16, 128], row + 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return new Uint8Array(png);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
