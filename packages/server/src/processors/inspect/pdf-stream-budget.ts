import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflate } from 'node:zlib';

const KEYWORD = Buffer.from('stream', 'latin1');
const END_KEYWORD = Buffer.from('endstream', 'latin1');
// How far back from `stream` a stream's dictionary is looked for.
const MAX_DICTIONARY_BYTES = 8_192;
const FLATE = new Set(['FlateDecode', 'Fl']);

class OverBudget extends Error {}

/**
 * Whether the streams of a PDF inflate to more than `budget` bytes together: every
 * stream but images (the inspector never decodes an image's pixels) is inflated through
 * each of its Flate filters in turn — a stream may be compressed twice, so that 7 KB
 * become 4 MB and then 4 GiB — counting what every stage produces, as the parser would
 * hold it, and stopping as soon as the budget is spent. Nothing is kept, so memory stays
 * small. A filter other than Flate ends the count of its stream (it expands little);
 * a stream that does not inflate is left for the parser to judge.
 *
 * Streams are found by their `stream` keyword and the dictionary before it, without
 * the cross-reference table, so a file whose table is broken is still counted whole.
 */
export async function exceedsStreamBudget(bytes: Uint8Array, budget: number): Promise<boolean> {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let spent = 0;
  let at = pdf.indexOf(KEYWORD);
  while (at !== -1) {
    const stream = streamAt(pdf, at);
    let next = at + KEYWORD.length;
    if (stream) {
      next = stream.end;
      if (stream.flateStages > 0) {
        spent += await inflatedBytes(pdf.subarray(stream.start, stream.end), stream.flateStages, budget - spent);
        if (spent > budget) return true;
      }
    }
    at = pdf.indexOf(KEYWORD, next);
  }
  return false;
}

interface FoundStream {
  /** First byte of the stream's data. */
  start: number;
  /** End of its data: its `/Length` when direct, else the next `endstream`. */
  end: number;
  /** How many Flate filters are applied one after the other before another kind or the end. */
  flateStages: number;
}

function streamAt(pdf: Buffer, at: number): FoundStream | null {
  // `endstream` contains the keyword too.
  if (at >= 3 && pdf.toString('latin1', at - 3, at) === 'end') return null;
  let start = at + KEYWORD.length;
  if (pdf[start] === 0x0d) start++;
  if (pdf[start] !== 0x0a && pdf[start - 1] !== 0x0d) return null;
  if (pdf[start] === 0x0a) start++;
  const dictionary = dictionaryBefore(pdf, at);
  if (dictionary === null) return null;
  const endKeyword = pdf.indexOf(END_KEYWORD, start);
  let end = endKeyword === -1 ? pdf.length : endKeyword;
  const length = /\/Length\s+(\d+)(?!\d)(?!\s+\d+\s+R)/.exec(dictionary);
  if (length && start + Number(length[1]) <= pdf.length) end = start + Number(length[1]);
  if (/\/Subtype\s*\/Image\b/.test(dictionary)) return { start, end, flateStages: 0 };
  return { start, end, flateStages: flateStages(dictionary) };
}

// The dictionary that ends just before `stream` (`<< … >>`, nested ones included), as text.
function dictionaryBefore(pdf: Buffer, at: number): string | null {
  let close = at - 1;
  while (close > 0 && isWhitespace(pdf[close]!)) close--;
  if (pdf[close] !== 0x3e || pdf[close - 1] !== 0x3e) return null;
  const floor = Math.max(0, close - MAX_DICTIONARY_BYTES);
  let depth = 0;
  for (let i = close; i > floor; i--) {
    if (pdf[i] === 0x3e && pdf[i - 1] === 0x3e) {
      depth++;
      i--;
    } else if (pdf[i] === 0x3c && pdf[i - 1] === 0x3c) {
      depth--;
      i--;
      if (depth === 0) return pdf.toString('latin1', i, close + 1);
    }
  }
  return null;
}

function flateStages(dictionary: string): number {
  const filter = /\/Filter\s*(\[[^\]]*\]|\/[^\s/[\]<>()]+)/.exec(dictionary)?.[1];
  if (!filter) return 0;
  const names = filter.match(/\/[^\s/[\]<>()]+/g)?.map((name) => name.slice(1)) ?? [];
  let stages = 0;
  while (stages < names.length && FLATE.has(names[stages]!)) stages++;
  return stages;
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x0c || byte === 0x00;
}

/** Bytes that `stages` inflations of `data` produce together, counted up to just past `budget`. */
async function inflatedBytes(data: Buffer, stages: number, budget: number): Promise<number> {
  let produced = 0;
  const count = (): Transform =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        produced += chunk.length;
        if (produced > budget) done(new OverBudget());
        else done(null, chunk);
      },
    });
  const steps: Transform[] = [];
  for (let stage = 0; stage < stages; stage++) steps.push(createInflate(), count());
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await pipeline([Readable.from([data]), ...steps, discard]);
  } catch (error) {
    // Over budget, or data that does not inflate (whole): what came out so far counts.
    if (!(error instanceof OverBudget)) return produced;
  }
  return produced;
}
