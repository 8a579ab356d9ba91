import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { requirePeer } from '../../shared/peer-dependency.js';
import { DOCUMENTS_FEATURE } from './documents-peers.js';

/** What OCR read from one page. */
export interface OcrPage {
  text: string;
  /** Tesseract's mean word confidence, 0-100. */
  confidence: number;
}

/** The part of a tesseract.js worker used here (its types stay out of this package's declarations). */
interface OcrWorker {
  recognize(image: Buffer): Promise<{ data: { text: string; confidence: number } }>;
  terminate(): Promise<unknown>;
}

interface Tesseract {
  createWorker(langs: string, oem: number, options: Record<string, unknown>): Promise<OcrWorker>;
  OEM: { LSTM_ONLY: number };
}

const require = createRequire(import.meta.url);
let worker: Promise<OcrWorker> | undefined;

/**
 * Reads the text of one page image (PNG, JPEG…) with Tesseract. One worker is started on
 * first use and kept for the life of the process (starting one takes about half a
 * second). Its English data comes from the `@tesseract.js-data/eng` package on disk,
 * never from the network, and nothing is cached to disk.
 */
export async function recognise(image: Buffer): Promise<OcrPage> {
  const { data } = await (await ocrWorker()).recognize(image);
  return { text: data.text, confidence: data.confidence };
}

/** Starts the worker ahead of the first page. */
function ocrWorker(): Promise<OcrWorker> {
  worker ??= startWorker().catch((error: unknown) => {
    worker = undefined;
    throw error;
  });
  return worker;
}

/** Stops the worker, if one was started. */
export async function stopOcr(): Promise<void> {
  const started = worker;
  worker = undefined;
  if (started) await (await started).terminate();
}

async function startWorker(): Promise<OcrWorker> {
  const tesseract = requirePeer<Tesseract>('tesseract.js', DOCUMENTS_FEATURE);
  requirePeer('@tesseract.js-data/eng', DOCUMENTS_FEATURE);
  // The LSTM-only ("best_int") data: smaller and faster than the legacy engine's.
  const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  return tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
}
