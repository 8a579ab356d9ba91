import { documentFixtures } from '../../packages/server/test/fixtures.js';

/** The documents the demo-server tests upload, generated in code (nothing binary is committed). */
export interface Documents {
  pdf: Uint8Array<ArrayBuffer>;
  pdf3: Uint8Array<ArrayBuffer>;
  png: Uint8Array<ArrayBuffer>;
  jpeg: Uint8Array<ArrayBuffer>;
  tiff: Uint8Array<ArrayBuffer>;
  webp: Uint8Array<ArrayBuffer>;
  truncatedPdf: Uint8Array<ArrayBuffer>;
  truncatedJpeg: Uint8Array<ArrayBuffer>;
  exe: Uint8Array<ArrayBuffer>;
  text: Uint8Array<ArrayBuffer>;
}

/** A copy backed by a plain ArrayBuffer, as Blob and fetch bodies want. */
function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** Valid and damaged documents, made once per test process. */
export async function documents(): Promise<Documents> {
  const f = await documentFixtures();
  return {
    pdf: copy(f.pdf1),
    pdf3: copy(f.pdf3),
    png: copy(f.png),
    jpeg: copy(f.jpeg),
    tiff: copy(f.tiff),
    webp: copy(f.webp),
    truncatedPdf: copy(f.pdfHalf),
    truncatedJpeg: copy(f.jpegCut60),
    exe: copy(f.exe),
    text: copy(f.text),
  };
}
