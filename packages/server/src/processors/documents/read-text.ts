import 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import sharp from 'sharp';
import { recognise } from './ocr.js';
import { PDFJS_SAFE_OPTIONS, PDFJS_STANDARD_FONTS } from '../inspect/pdfjs-options.js';

/** Where a document's text came from. */
export type TextSource = 'pdf_text' | 'ocr' | 'none';

/** The text of a document's first pages. */
export interface DocumentText {
  text: string;
  source: TextSource;
  /** Pages that went through OCR. */
  ocrPages: number;
}

/** Limits of {@link readPdfText} and {@link readImageText}. */
export interface ReadTextOptions {
  /** Pages read (text layer or OCR) from the start of the document. */
  maxPages: number;
}

// A text layer with fewer letters or digits than this per page read is a scan's
// (often a scanner's page number or stamp): its pages are OCR'd instead.
const MIN_TEXT_CHARS_PER_PAGE = 40;
// Pages are drawn for OCR at this resolution, or smaller for a page so large that its
// longer side would pass OCR_MAX_SIDE pixels: enough for 9-point print, bounded memory.
const OCR_DPI = 200;
const OCR_MAX_SIDE = 3_300;
// OCR text below this mean confidence is not text (a photo, an ECG trace).
const MIN_OCR_CONFIDENCE = 45;

/**
 * The text of a PDF's first pages: the text layer where there is one, else the pages
 * drawn (pdfjs on @napi-rs/canvas) and OCR'd.
 */
export async function readPdfText(bytes: Uint8Array, options: ReadTextOptions): Promise<DocumentText> {
  const task = getDocument({
    ...PDFJS_SAFE_OPTIONS,
    data: new Uint8Array(bytes),
    standardFontDataUrl: PDFJS_STANDARD_FONTS,
  });
  try {
    const pdf = await task.promise;
    const pages = Math.min(pdf.numPages, options.maxPages);
    const layer: string[] = [];
    for (let number = 1; number <= pages; number++) {
      const page = await pdf.getPage(number);
      layer.push(await pageText(page));
      page.cleanup();
    }
    if (countSignificant(layer.join('')) >= MIN_TEXT_CHARS_PER_PAGE * pages) return { text: layer.join('\n\n'), source: 'pdf_text', ocrPages: 0 };
    const read: string[] = [];
    for (let number = 1; number <= pages; number++) {
      const page = await pdf.getPage(number);
      const image = await drawPage(page);
      page.cleanup();
      read.push(await ocrText(image));
    }
    return fromOcr(read, pages);
  } finally {
    await task.destroy();
  }
}

/** The OCR'd text of an image's first pages (a multi-page TIFF has several). */
export async function readImageText(bytes: Uint8Array, options: ReadTextOptions): Promise<DocumentText> {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { pages: count = 1 } = await sharp(input, { limitInputPixels: false }).metadata();
  const pages = Math.min(count, options.maxPages);
  const read: string[] = [];
  for (let page = 0; page < pages; page++) {
    // Grey, upright by its EXIF orientation, no larger than OCR needs.
    const image = await sharp(input, { page, limitInputPixels: false })
      .autoOrient()
      .greyscale()
      .resize(OCR_MAX_SIDE, OCR_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 1 })
      .toBuffer();
    read.push(await ocrText(image));
  }
  return fromOcr(read, pages);
}

function fromOcr(read: string[], pages: number): DocumentText {
  const text = read.filter((page) => page.length > 0).join('\n\n');
  return { text, source: text.length > 0 ? 'ocr' : 'none', ocrPages: pages };
}

async function ocrText(image: Buffer): Promise<string> {
  const { text, confidence } = await recognise(image);
  return confidence >= MIN_OCR_CONFIDENCE ? tidy(text) : '';
}

async function pageText(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  let raw = '';
  for (const item of content.items) {
    if ('str' in item) raw += item.str + (item.hasEOL ? '\n' : ' ');
  }
  return tidy(raw);
}

async function drawPage(page: PDFPageProxy): Promise<Buffer> {
  const base = page.getViewport({ scale: 1 });
  const scale = Math.min(OCR_DPI / 72, OCR_MAX_SIDE / Math.max(base.width, base.height));
  const viewport = page.getViewport({ scale });
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  // pdfjs's types name the DOM canvas; @napi-rs/canvas implements the part it uses.
  await page.render({ canvas, canvasContext: context, viewport } as unknown as Parameters<PDFPageProxy['render']>[0]).promise;
  return canvas.toBuffer('image/png');
}

/** Control characters out, spaces collapsed, empty lines dropped. */
function tidy(raw: string): string {
  return raw
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \u00A0]+/g, ' ').trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

function countSignificant(text: string): number {
  return text.replace(/[^\p{L}\p{N}]/gu, '').length;
}
