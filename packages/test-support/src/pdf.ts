/**
 * PDFs written by hand, byte by byte, for tests in Node and in browsers (no Buffer, no
 * pdf-lib): valid documents of any size, and damaged ones made from them.
 */

/** A string of code points 0–255 as bytes, as PDF syntax is written. */
export function latin1(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * A PDF from object bodies (numbered from 1, object 1 the catalog) with a correct
 * cross-reference table; `trailer` adds entries to the trailer dictionary.
 */
export function rawPdf(objects: ReadonlyArray<string | Uint8Array>, trailer = ''): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [latin1('%PDF-1.4\n%\xE2\xE3\xCF\xD3\n')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(length);
    for (const part of [latin1(`${index + 1} 0 obj\n`), typeof body === 'string' ? latin1(body) : body, latin1('\nendobj\n')]) {
      parts.push(part);
      length += part.length;
    }
  });
  parts.push(latin1(xrefTable(offsets, length, trailer)));
  return concat(parts);
}

/**
 * The cross-reference table and trailer of a PDF whose objects 1… start at `offsets`,
 * with the table itself at `startxref`.
 */
export function xrefTable(offsets: readonly number[], startxref: number, trailer = ''): string {
  return [
    'xref',
    `0 ${offsets.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${offsets.length + 1} /Root 1 0 R ${trailer} >>`,
    'startxref',
    String(startxref),
    '%%EOF',
    '',
  ].join('\n');
}

/** The catalog, page tree and one empty 200 × 200 page: objects 1–3 of a one-page PDF. */
export const ONE_PAGE = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
] as const;

/**
 * A valid one-page PDF padded with an unreferenced stream of `padBytes` random bytes
 * (random, so the size stays when a transport compresses).
 */
export function paddedPdf(padBytes = 0): Uint8Array<ArrayBuffer> {
  const pad = new Uint8Array(padBytes);
  // getRandomValues fills at most 65,536 bytes a call.
  for (let i = 0; i < padBytes; i += 65_536) crypto.getRandomValues(pad.subarray(i, Math.min(i + 65_536, padBytes)));
  return rawPdf([...ONE_PAGE, concat([latin1(`<< /Length ${padBytes} >>\nstream\n`), pad, latin1('\nendstream')])]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
