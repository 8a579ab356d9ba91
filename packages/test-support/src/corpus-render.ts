/** Turns a corpus document's lines into a PDF, and a PDF into a scan (see document-corpus). */
import 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import { fileURLToPath } from 'node:url';
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';
import { getDocument, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import sharp from 'sharp';
import type { Line } from './corpus-layouts.js';
import type { Random } from './corpus-people.js';

const A4: [number, number] = [595, 842];
const MARGIN = 56;
const VALUE_INDENT = 170;
const FONTS = [
  [StandardFonts.Helvetica, StandardFonts.HelveticaBold],
  [StandardFonts.TimesRoman, StandardFonts.TimesRomanBold],
  [StandardFonts.Courier, StandardFonts.CourierBold],
] as const;
// pdfjs draws the 14 standard fonts from its own font files: no system fonts needed.
const STANDARD_FONTS = fileURLToPath(new URL('../../standard_fonts/', import.meta.resolve('pdfjs-dist/legacy/build/pdf.mjs')));

/** A one-page PDF of `lines`, in one of the standard font families at 9.5-11.5 points. */
export async function renderPdf(lines: readonly Line[], r: Random): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const [regularName, boldName] = FONTS[r.int(0, r.chance(0.15) ? 2 : 1)]!;
  const regular = await doc.embedFont(regularName);
  const bold = await doc.embedFont(boldName);
  const page = doc.addPage(A4);
  const base = 9.5 + r.int(0, 4) / 2;
  let y = A4[1] - MARGIN;
  for (const line of lines) {
    const size = line.size ?? base;
    const font = line.bold ? bold : regular;
    y -= line.gap ?? 0;
    for (const text of wrap(line.text, font, size, line.value === undefined ? A4[0] - 2 * MARGIN : VALUE_INDENT - 8)) {
      y -= size * 1.35;
      page.drawText(text, { x: xOf(text, font, size, line.align), y, size, font });
    }
    if (line.value !== undefined) page.drawText(line.value, { x: MARGIN + VALUE_INDENT, y, size, font: regular });
  }
  doc.setTitle('Document');
  doc.setProducer('batch-uploader corpus');
  return Buffer.from(await doc.save());
}

/**
 * A scan of a one-page PDF: drawn at 150-200 dpi, turned 0-3° either way, with speckles and
 * grain, as a JPEG (quality 55-85) or a PDF holding only that JPEG.
 */
export async function scanOf(pdf: Buffer, format: 'jpeg' | 'pdf', r: Random): Promise<Buffer> {
  const dpi = r.pick([150, 200, 200]);
  const png = await drawFirstPage(pdf, dpi / 72);
  const angle = r.next() * 3 * (r.chance(0.5) ? -1 : 1);
  const turned = await sharp(png).greyscale().rotate(angle, { background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  const { data, info } = turned;
  addNoise(data, r);
  const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .jpeg({ quality: r.int(55, 85) })
    .withMetadata({ density: dpi })
    .toBuffer();
  if (format === 'jpeg') return jpeg;
  const doc = await PDFDocument.create();
  const image = await doc.embedJpg(jpeg);
  const page = doc.addPage(A4);
  page.drawImage(image, { x: 0, y: 0, width: A4[0], height: A4[1] });
  return Buffer.from(await doc.save());
}

/** A photo with no text: blurred coloured shapes, as a wound or a rash photographed. */
export async function photo(r: Random): Promise<Buffer> {
  const shapes = Array.from({ length: 12 }, () => {
    const colour = `rgb(${r.int(90, 240)},${r.int(40, 180)},${r.int(40, 160)})`;
    return `<ellipse cx="${r.int(0, 1200)}" cy="${r.int(0, 900)}" rx="${r.int(40, 300)}" ry="${r.int(40, 250)}" fill="${colour}" opacity="0.7"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><rect width="1200" height="900" fill="rgb(${r.int(150, 220)},${r.int(120, 190)},${r.int(110, 170)})"/>${shapes}</svg>`;
  return sharp(Buffer.from(svg)).blur(6).jpeg({ quality: 80 }).toBuffer();
}

async function drawFirstPage(pdf: Buffer, scale: number): Promise<Buffer> {
  const task = getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl: STANDARD_FONTS,
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  });
  try {
    const document = await task.promise;
    const page = await document.getPage(1);
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas, canvasContext: context, viewport } as unknown as Parameters<PDFPageProxy['render']>[0]).promise;
    return canvas.toBuffer('image/png');
  } finally {
    await task.destroy();
  }
}

/** Grain over every pixel, dark speckles and a slightly grey paper. */
function addNoise(pixels: Buffer, r: Random): void {
  const grain = r.int(8, 28);
  const speckles = r.next() * 0.002;
  const paper = r.int(0, 25);
  for (let i = 0; i < pixels.length; i++) {
    let value = pixels[i]! - paper * (pixels[i]! / 255) + (r.next() - 0.5) * grain;
    if (r.next() < speckles) value = r.int(0, 90);
    pixels[i] = value < 0 ? 0 : value > 255 ? 255 : value;
  }
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(next, size) > width) {
      lines.push(current);
      current = word;
    } else current = next;
  }
  lines.push(current);
  return lines;
}

function xOf(text: string, font: PDFFont, size: number, align: Line['align']): number {
  const width = font.widthOfTextAtSize(text, size);
  if (align === 'right') return A4[0] - MARGIN - width;
  if (align === 'center') return (A4[0] - width) / 2;
  return MARGIN;
}
