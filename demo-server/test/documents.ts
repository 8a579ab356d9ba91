import { documentFixtures } from '../../packages/server/test/fixtures.js';

/** The documents the demo-server tests upload, generated in code (nothing binary is committed). */
export interface Documents {
  pdf: Uint8Array;
  pdf3: Uint8Array;
  png: Uint8Array;
  jpeg: Uint8Array;
  tiff: Uint8Array;
  webp: Uint8Array;
  truncatedPdf: Uint8Array;
  truncatedJpeg: Uint8Array;
  exe: Uint8Array;
  text: Uint8Array;
}

/** Valid and damaged documents, made once per test process. */
export async function documents(): Promise<Documents> {
  const f = await documentFixtures();
  return {
    pdf: f.pdf1,
    pdf3: f.pdf3,
    png: f.png,
    jpeg: f.jpeg,
    tiff: f.tiff,
    webp: f.webp,
    truncatedPdf: f.pdfHalf,
    truncatedJpeg: f.jpegCut60,
    exe: f.exe,
    text: f.text,
  };
}
