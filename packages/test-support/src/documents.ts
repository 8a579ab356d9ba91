/**
 * Test documents, generated in code so that no binary file is committed: valid PDFs and
 * images, and the damaged, disguised and hostile files a clinic's uploads will contain.
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { rawPdf } from './pdf.js';
import { pngFile } from './png.js';

/** Words written on the pages of {@link DocumentFixtures.pdf3}, one line per page. */
export const PAGE_WORDS = ['Glucose fasting 5.4 mmol/L', 'Cholesterol total 4.9 mmol/L', 'Haemoglobin 141 g/L'] as const;

/** The info dictionary written into the generated PDFs. */
export const PDF_INFO = { title: 'Laboratory results', author: 'Dr Test', producer: 'fixtures' } as const;

/** Width and height of every generated image page. */
export const IMAGE_SIZE = { width: 64, height: 48 } as const;

/** Image formats sharp can write for the fixtures. */
export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'webp';

/** A PDF (pdf-lib) with one page per entry of `pages`, each holding that text and filler lines. */
export async function makeTextPdf(pages: readonly string[], info: Partial<typeof PDF_INFO> = PDF_INFO): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = doc.addPage([595, 842]);
    page.drawText(text, { x: 50, y: 780, size: 14, font });
    for (let line = 0; line < 5; line++) {
      page.drawText(`Reference range note ${line + 1}: within normal limits.`, { x: 50, y: 740 - line * 16, size: 9, font });
    }
  }
  if (info.title) doc.setTitle(info.title);
  if (info.author) doc.setAuthor(info.author);
  if (info.producer) doc.setProducer(info.producer);
  return Buffer.from(await doc.save());
}

/**
 * A PDF written by hand from object bodies (numbered from 1, object 1 the catalog), with
 * a correct cross-reference table; `trailer` adds entries to the trailer dictionary.
 */
export function makeRawPdf(objects: ReadonlyArray<string | Uint8Array>, trailer = ''): Buffer {
  return Buffer.from(rawPdf(objects, trailer).buffer);
}

/** A well-formed PDF whose page tree holds no page. */
export function makeZeroPagePdf(): Buffer {
  return makeRawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>']);
}

/**
 * A PDF that needs a user password: the standard security handler with /U and /O values
 * no empty password matches. (Its objects are not really encrypted; readers stop before.)
 */
export function makeEncryptedPdf(): Buffer {
  const hex = (length: number, byte: number): string => `<${Buffer.alloc(length, byte).toString('hex')}>`;
  return makeRawPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
      `<< /Filter /Standard /V 1 /R 2 /O ${hex(32, 0x11)} /U ${hex(32, 0x22)} /P -44 >>`,
    ],
    `/Encrypt 4 0 R /ID [${hex(16, 0x33)} ${hex(16, 0x33)}]`,
  );
}

/**
 * A small, valid PDF whose one page holds `operations` text-showing operators in a
 * compressed stream: reading its text takes seconds (about 10 s per million), far longer
 * than any timeout a test sets.
 */
export function makeSlowPdf(operations = 1_000_000): Buffer {
  const content = deflateSync(Buffer.from('BT /F1 1 Tf (a) Tj ET\n'.repeat(operations), 'latin1'));
  return makeRawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    Buffer.concat([Buffer.from(`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'), content, Buffer.from('\nendstream', 'latin1')]),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]);
}

/**
 * A gradient image, by default of {@link IMAGE_SIZE}; several pages make a multi-page
 * TIFF (sharp writes a "toilet roll" input with a page height as pages).
 */
export async function makeImage(
  format: ImageFormat,
  { pages = 1, width = IMAGE_SIZE.width, height = IMAGE_SIZE.height }: { pages?: number; width?: number; height?: number } = {},
): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * pages * 3);
  for (let page = 0; page < pages; page++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = ((page * height + y) * width + x) * 3;
        pixels[i] = x * 4;
        pixels[i + 1] = y * 5;
        pixels[i + 2] = (x + y + page * 60) & 0xff;
      }
    }
  }
  const image = sharp(pixels, { raw: { width, height: height * pages, channels: 3, pageHeight: height } });
  return image.toFormat(format).toBuffer();
}

/**
 * A PNG whose header claims 20000 × 20000 pixels (400 megapixels) around a few bytes of
 * data: a decompression bomb.
 */
export function makeBombPng(): Buffer {
  const side = 20_000;
  return pngFile({ width: side, height: side, colourType: 0 }, deflateSync(Buffer.alloc((side + 1) * 4)));
}

/** A minimal Windows executable: DOS header pointing (e_lfanew) to a PE signature and COFF header. */
export function makeExe(): Buffer {
  const exe = Buffer.alloc(512);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  exe.write('PE\0\0', 0x80, 'latin1');
  exe.writeUInt16LE(0x14c, 0x84); // i386
  exe.writeUInt16LE(1, 0x86); // one section
  return exe;
}

/** The first `fraction` of `bytes`, as an upload cut off midway. */
export function cutAt(bytes: Buffer, fraction: number): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** `bytes` without their last `count` bytes. */
export function cutTail(bytes: Buffer, count: number): Buffer {
  return Buffer.from(bytes.subarray(0, bytes.length - count));
}

/**
 * The first half of a PDF followed by a plausible end (`startxref`, an offset inside the
 * file, `%%EOF`): passes a check of the file's last bytes, not a real parse.
 */
export function withFakeEnd(pdf: Buffer): Buffer {
  const half = cutAt(pdf, 0.5);
  return Buffer.concat([half, Buffer.from(`\nstartxref\n${Math.floor(half.length / 2)}\n%%EOF\n`, 'latin1')]);
}

/** Every fixture document, by name. */
export interface DocumentFixtures {
  /** One page, text `PAGE_WORDS[0]`, info {@link PDF_INFO}. */
  pdf1: Buffer;
  /** Three pages, one line of {@link PAGE_WORDS} each. */
  pdf3: Buffer;
  png: Buffer;
  jpeg: Buffer;
  tiff: Buffer;
  webp: Buffer;
  /** Three pages of {@link IMAGE_SIZE}. */
  tiffPages3: Buffer;
  pdfHalf: Buffer;
  pdfMinus100: Buffer;
  pdfFakeEnd: Buffer;
  jpegCut60: Buffer;
  jpegMinus100: Buffer;
  pngCut60: Buffer;
  pngMinus100: Buffer;
  tiffCut60: Buffer;
  encryptedPdf: Buffer;
  zeroPagePdf: Buffer;
  exe: Buffer;
  text: Buffer;
  zeroBytes: Buffer;
  bombPng: Buffer;
}

let cached: Promise<DocumentFixtures> | undefined;

/** All fixtures, generated once per process. Treat the buffers as read-only. */
export function documentFixtures(): Promise<DocumentFixtures> {
  cached ??= generate();
  return cached;
}

async function generate(): Promise<DocumentFixtures> {
  const [pdf1, pdf3, png, jpeg, tiff, webp, tiffPages3] = await Promise.all([
    makeTextPdf([PAGE_WORDS[0]]),
    makeTextPdf(PAGE_WORDS),
    makeImage('png'),
    makeImage('jpeg'),
    makeImage('tiff'),
    makeImage('webp'),
    makeImage('tiff', { pages: 3 }),
  ]);
  return {
    pdf1,
    pdf3,
    png,
    jpeg,
    tiff,
    webp,
    tiffPages3,
    pdfHalf: cutAt(pdf3, 0.5),
    pdfMinus100: cutTail(pdf3, 100),
    pdfFakeEnd: withFakeEnd(pdf3),
    jpegCut60: cutAt(jpeg, 0.6),
    jpegMinus100: cutTail(jpeg, 100),
    pngCut60: cutAt(png, 0.6),
    pngMinus100: cutTail(png, 100),
    tiffCut60: cutAt(tiff, 0.6),
    encryptedPdf: makeEncryptedPdf(),
    zeroPagePdf: makeZeroPagePdf(),
    exe: makeExe(),
    text: Buffer.from('Patient notes\nBlood pressure 120/80, follow up in two weeks.\n', 'utf8'),
    zeroBytes: Buffer.alloc(0),
    bombPng: makeBombPng(),
  };
}

/** The documents the HTTP tests upload, as plain-ArrayBuffer copies (what Blob and fetch bodies want). */
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

/** Valid and damaged documents for uploads, made once per test process. */
export async function documents(): Promise<Documents> {
  const f = await documentFixtures();
  const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);
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
