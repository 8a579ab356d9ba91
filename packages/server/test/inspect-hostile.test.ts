import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FILE_ERRORS } from '@batch-uploader/protocol';
import type { ProcessorContext, ProcessorFile } from '../src/processors/processor.js';
import { isPermanentError } from '../src/processors/processor.js';
import { createInspectProcessor, inspectDocument, type InspectProcessor } from '../src/processors/inspect/index.js';
import { documentFixtures, makeImage, type DocumentFixtures, type ImageFormat } from '@batch-uploader/test-support/documents';
import {
  JPEG_END,
  makeFlateBombPdf,
  makeGradientTiff,
  makeInterlacedPng,
  makeOneStripTiffBomb,
  truncations,
  withClaimedJpegSize,
} from '@batch-uploader/test-support/hostile-files';

function fileOf(bytes: Buffer): ProcessorFile {
  return {
    file_id: 'file-1',
    batch_id: 'batch-1',
    filename: 'upload',
    size: bytes.length,
    detected_type: null,
    declared_type: null,
    open: () => Readable.from([Buffer.from(bytes)]),
    read: async () => Buffer.from(bytes),
  };
}

function contextOf(): ProcessorContext {
  return { signal: new AbortController().signal, attempt: 1, workspace_id: 'ws-1', patient_id: null, template_id: null, encounter_id: null };
}

/** Runs `inspect` on every file, `inFlight` at a time, and counts the outcomes: `completed` or the error code. */
async function verdicts(inspect: (bytes: Buffer) => Promise<unknown>, files: readonly Buffer[], inFlight: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const bytes = files[next++]!;
      const outcome = await inspect(bytes).then(
        () => 'completed',
        (error: unknown) => (isPermanentError(error) ? error.code : `transient: ${String(error)}`),
      );
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return counts;
}

/** Resident memory of this process's children, in MiB (Linux /proc). */
async function childrenRssMb(): Promise<number> {
  let kb = 0;
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const status = await readFile(`/proc/${name}/status`, 'latin1').catch(() => '');
    if (Number(/^PPid:\s+(\d+)$/m.exec(status)?.[1]) !== process.pid) continue;
    kb += Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
  }
  return kb / 1024;
}

/** Samples {@link childrenRssMb} until stopped; resolves to the highest value seen. */
function watchChildren(): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await childrenRssMb());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

const FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'tiff', 'webp'];

/** At least 200 damaged images of `format`, each cut at another point. */
async function damaged(format: ImageFormat): Promise<Buffer[]> {
  const whole = await makeImage(format, { width: 300, height: 200 });
  switch (format) {
    case 'jpeg':
      // Cut short, cut short behind an end marker (so it looks finished), and a header
      // claiming 9999 × 10000 pixels around a few bytes of data.
      return [...truncations(whole, 120), ...truncations(whole, 100, JPEG_END), withClaimedJpegSize(await makeImage('jpeg'), 9999, 10_000)];
    case 'tiff':
      // sharp writes the directory after the strips; scanners often write it first, so
      // that a cut lands in pixel data while the header stays whole.
      return [...truncations(whole, 70), ...truncations(makeGradientTiff(300, 200, 'deflate'), 70), ...truncations(makeGradientTiff(300, 200, 'none'), 70)];
    default:
      return truncations(whole, 200);
  }
}

let docs: DocumentFixtures;

before(async () => {
  docs = await documentFixtures();
});

describe('verdicts under concurrency', () => {
  let processor: InspectProcessor;

  before(() => {
    processor = createInspectProcessor({ maxWorkers: 4 });
  });

  after(async () => {
    await processor.close();
  });

  for (const format of FORMATS) {
    test(`no damaged ${format.toUpperCase()} completes: 200+ truncations, 8 calls at once on 4 parser processes`, async () => {
      const files = await damaged(format);
      assert.ok(files.length >= 200);
      const counts = await verdicts((bytes) => processor(fileOf(bytes), contextOf()), files, 8);
      assert.deepEqual(counts, { CORRUPT_FILE: files.length });
    });
  }

  test('whole images of every type complete at the same concurrency, with their size', async () => {
    const wholes = await Promise.all(FORMATS.map((format) => makeImage(format, { width: 300, height: 200 })));
    const files = Array.from({ length: 200 }, (_, i) => wholes[i % wholes.length]!);
    const widths: number[] = [];
    const counts = await verdicts(async (bytes) => widths.push((await processor(fileOf(bytes), contextOf())).width ?? 0), files, 8);
    assert.deepEqual(counts, { completed: 200 });
    assert.ok(widths.every((width) => width === 300));
  });

  test('inspectDocument called 8 at once in one thread passes no damaged JPEG either', async () => {
    const files = await damaged('jpeg');
    const counts = await verdicts((bytes) => inspectDocument(bytes), files, 8);
    assert.deepEqual(counts, { CORRUPT_FILE: files.length });
  });
});

describe('decompression bombs', () => {
  let processor: InspectProcessor;

  before(() => {
    processor = createInspectProcessor({ maxWorkers: 2 });
  });

  after(async () => {
    await processor.close();
  });

  async function tooComplex(promise: Promise<unknown>): Promise<void> {
    await assert.rejects(promise, (error: unknown) => {
      assert.ok(isPermanentError(error), `expected a PermanentError, got ${String(error)}`);
      assert.equal(error.code, 'TOO_COMPLEX');
      assert.equal(error.message, FILE_ERRORS.TOO_COMPLEX);
      assert.equal(error.message, 'The file is too large or complex to process.');
      return true;
    });
  }

  test('a 10 KB PDF whose page stream is FlateDecode twice (4 GiB) fails with TOO_COMPLEX, not by timeout', async () => {
    const bomb = makeFlateBombPdf();
    assert.ok(bomb.length < 16_000);
    await tooComplex(processor(fileOf(bomb), contextOf()));
    // Outside the processor too, where nothing but the budget stands in its way.
    await tooComplex(inspectDocument(bomb));
  });

  test('a TIFF of 100 pages of 10000 × 10000 pixels sharing one strip fails with TOO_COMPLEX', async () => {
    await tooComplex(processor(fileOf(makeOneStripTiffBomb()), contextOf()));
  });

  test('six bombs 4 at a time all fail with TOO_COMPLEX, no parser process past its memory limit, and the next file completes', async () => {
    const bombs = [makeFlateBombPdf(), makeFlateBombPdf(), ...Array.from({ length: 4 }, () => makeOneStripTiffBomb())];
    const watch = watchChildren();
    const counts = await verdicts((bytes) => processor(fileOf(bytes), contextOf()), bombs, 4);
    const peakMb = await watch.stop();
    assert.deepEqual(counts, { TOO_COMPLEX: 6 });
    // Two processes of at most 512 MiB of data each, plus their code.
    assert.ok(peakMb < 2 * (512 + 128), `parser processes held ${Math.round(peakMb)} MiB`);
    assert.equal((await processor(fileOf(docs.pdf3), contextOf())).pages, 3);
  });

  test('a file that needs more memory than the limit fails with TOO_COMPLEX, and its process is replaced', async () => {
    // 300 MB of pixels, under every budget: only the memory limit refuses it.
    const png = makeInterlacedPng();
    const small = createInspectProcessor({ maxWorkers: 1, memoryLimitMb: 256 });
    try {
      await tooComplex(small(fileOf(png), contextOf()));
      assert.equal((await small(fileOf(docs.png), contextOf())).width, docs.png.readUInt32BE(16));
    } finally {
      await small.close();
    }
    const large = createInspectProcessor({ maxWorkers: 1, memoryLimitMb: 1_024 });
    try {
      const result = await large(fileOf(png), contextOf());
      assert.deepEqual([result.width, result.height], [10_000, 10_000], 'with room for its pixels it completes');
    } finally {
      await large.close();
    }
  });
});

describe('decoding budgets', () => {
  test('are options of the processor, and a file over one fails with TOO_COMPLEX', async () => {
    const processor = createInspectProcessor({ maxWorkers: 1, maxPdfStreamBytes: 1_000, maxImagePixels: 3_072, maxImageTotalPixels: 6_000 });
    try {
      const outcome = (bytes: Buffer): Promise<string> =>
        processor(fileOf(bytes), contextOf()).then(
          () => 'completed',
          (error: unknown) => (isPermanentError(error) ? error.code : String(error)),
        );
      assert.equal(await outcome(docs.pdf3), 'TOO_COMPLEX', 'its streams inflate to more than 1,000 bytes');
      assert.equal(await outcome(docs.png), 'completed', '64 × 48 = 3,072 pixels, at the limit');
      assert.equal(await outcome(await makeImage('png', { width: 65, height: 48 })), 'TOO_COMPLEX', 'one column more');
      assert.equal(await outcome(docs.tiffPages3), 'TOO_COMPLEX', 'three pages of 3,072 pixels');
      assert.equal(await outcome(docs.pngCut60), 'CORRUPT_FILE', 'a damaged file is still damaged');
    } finally {
      await processor.close();
    }
  });

  test('an image page over the pixel limit fails with TOO_COMPLEX, not CORRUPT_FILE', async () => {
    await assert.rejects(inspectDocument(docs.bombPng), { code: 'TOO_COMPLEX' });
  });

  test('invalid budgets are refused at construction', () => {
    assert.throws(() => createInspectProcessor({ memoryLimitMb: 100 }), RangeError);
    assert.throws(() => createInspectProcessor({ maxImagePixels: 0 }), RangeError);
    assert.throws(() => createInspectProcessor({ maxPdfStreamBytes: 1.5 }), RangeError);
  });
});
