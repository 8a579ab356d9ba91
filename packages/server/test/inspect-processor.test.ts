import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FILE_ERRORS, type FileErrorCode, type InspectionResult } from '@batch-uploader/protocol';
import type { ProcessorContext, ProcessorFile } from '../src/processors/processor.js';
import { isPermanentError } from '../src/processors/processor.js';
import { SNIFF_BYTES, createInspectProcessor, inspectDocument, sniffType, type InspectProcessor } from '../src/processors/inspect/index.js';
import {
  IMAGE_SIZE,
  PAGE_WORDS,
  PDF_INFO,
  documentFixtures,
  makeImage,
  makeSlowPdf,
  makeTextPdf,
  type DocumentFixtures,
} from '@batch-uploader/test-support/documents';

function fileOf(bytes: Buffer, filename = 'document.pdf', declared: string | null = 'application/pdf'): ProcessorFile {
  return {
    file_id: 'file-1',
    batch_id: 'batch-1',
    filename,
    size: bytes.length,
    detected_type: null,
    declared_type: declared,
    open: () => Readable.from([Buffer.from(bytes)]),
    // A fresh copy each time: the processor transfers (detaches) what it reads.
    read: async () => Buffer.from(bytes),
  };
}

function contextOf(signal: AbortSignal = new AbortController().signal, workspace_id = 'ws-1'): ProcessorContext {
  return { signal, attempt: 1, workspace_id, patient_id: null, template_id: null, encounter_id: null };
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function rejectsWith(promise: Promise<unknown>, code: FileErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isPermanentError(error), `expected a PermanentError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.message, FILE_ERRORS[code]);
    return true;
  });
}

let docs: DocumentFixtures;

before(async () => {
  docs = await documentFixtures();
});

describe('sniffType', () => {
  test('recognises each accepted type from the head bytes only', async () => {
    const cases: Array<[keyof DocumentFixtures, string]> = [
      ['pdf3', 'application/pdf'],
      ['png', 'image/png'],
      ['jpeg', 'image/jpeg'],
      ['tiff', 'image/tiff'],
      ['webp', 'image/webp'],
    ];
    for (const [name, mime] of cases) {
      assert.equal(await sniffType(docs[name].subarray(0, SNIFF_BYTES)), mime, name);
    }
  });

  test('reads no further than SNIFF_BYTES, so a damaged tail does not change the type', async () => {
    assert.ok(SNIFF_BYTES >= 4100);
    assert.equal(await sniffType(docs.pdfHalf), 'application/pdf');
    assert.equal(await sniffType(docs.jpegCut60), 'image/jpeg');
  });

  test('recognises a TIFF whose first directory lies beyond the head bytes', async () => {
    const tiff = await makeImage('tiff', { width: 400, height: 300 });
    assert.ok(tiff.readUInt32LE(4) > SNIFF_BYTES, 'the directory follows the pixels');
    assert.equal(await sniffType(tiff.subarray(0, SNIFF_BYTES)), 'image/tiff');
  });

  test('names other known types, such as an executable, by their own MIME type', async () => {
    assert.equal(await sniffType(docs.exe), 'application/x-msdownload');
  });

  test('returns null for plain text and for no bytes', async () => {
    assert.equal(await sniffType(docs.text), null);
    assert.equal(await sniffType(docs.zeroBytes), null);
  });
});

describe('inspect processor', () => {
  let processor: InspectProcessor;

  before(() => {
    processor = createInspectProcessor({ maxWorkers: 2 });
  });

  after(async () => {
    await processor.close();
  });

  test('a one-page PDF yields its page count, checksum, text and metadata', async () => {
    const result = await processor(fileOf(docs.pdf1), contextOf());
    assert.equal(result.detected_type, 'application/pdf');
    assert.equal(result.bytes, docs.pdf1.length);
    assert.equal(result.sha256, sha256(docs.pdf1));
    assert.equal(result.pages, 1);
    assert.match(result.text ?? '', /Glucose fasting 5\.4 mmol\/L/);
    assert.equal(result.metadata?.title, PDF_INFO.title);
    assert.equal(result.metadata?.author, PDF_INFO.author);
    assert.equal(result.metadata?.producer, PDF_INFO.producer);
    assert.match(result.metadata?.creation_date ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(result.width, undefined);
  });

  test('a three-page PDF yields three pages and the words of each, capped at 2,000 characters', async () => {
    const result = await processor(fileOf(docs.pdf3), contextOf());
    assert.equal(result.pages, 3);
    assert.equal(result.sha256, sha256(docs.pdf3));
    for (const words of PAGE_WORDS) assert.ok(result.text?.includes(words), `text holds "${words}"`);
    assert.ok((result.text ?? '').length <= 2_000);
  });

  test('text comes from the first three pages only', async () => {
    const pdf = await makeTextPdf(['Page one', 'Page two', 'Page three', 'Page four secret'], {});
    const result = await processor(fileOf(pdf), contextOf());
    assert.equal(result.pages, 4);
    assert.ok(result.text?.includes('Page three'));
    assert.ok(!result.text?.includes('Page four'));
  });

  const images: Array<[keyof DocumentFixtures, string]> = [
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['tiff', 'image/tiff'],
    ['webp', 'image/webp'],
  ];
  for (const [name, mime] of images) {
    test(`a ${name.toUpperCase()} image yields its type, size in pixels and checksum`, async () => {
      const bytes = docs[name];
      const result = await processor(fileOf(bytes, `scan.${name}`, mime), contextOf());
      assert.deepEqual({ ...result, metadata: undefined }, {
        detected_type: mime,
        bytes: bytes.length,
        sha256: sha256(bytes),
        pages: 1,
        width: IMAGE_SIZE.width,
        height: IMAGE_SIZE.height,
        metadata: undefined,
      } satisfies InspectionResult);
      assert.equal(result.metadata?.color_space, 'srgb');
    });
  }

  test('a TIFF larger than the sniffed head is read whole', async () => {
    const tiff = await makeImage('tiff', { width: 400, height: 300 });
    const result = await processor(fileOf(tiff, 'scan.tif', 'image/tiff'), contextOf());
    assert.deepEqual([result.detected_type, result.width, result.height], ['image/tiff', 400, 300]);
  });

  test('a multi-page TIFF yields its page count and the size of its first page', async () => {
    const result = await processor(fileOf(docs.tiffPages3, 'fax.tiff', 'image/tiff'), contextOf());
    assert.equal(result.detected_type, 'image/tiff');
    assert.equal(result.pages, 3);
    assert.equal(result.width, IMAGE_SIZE.width);
    assert.equal(result.height, IMAGE_SIZE.height);
  });

  const bad: Array<[string, keyof DocumentFixtures, FileErrorCode]> = [
    ['a PDF cut in half', 'pdfHalf', 'CORRUPT_FILE'],
    ['a PDF missing its last 100 bytes', 'pdfMinus100', 'CORRUPT_FILE'],
    ['a PDF cut in half with a fake startxref and %%EOF appended', 'pdfFakeEnd', 'CORRUPT_FILE'],
    ['a JPEG cut at 60%', 'jpegCut60', 'CORRUPT_FILE'],
    ['a JPEG missing its last 100 bytes', 'jpegMinus100', 'CORRUPT_FILE'],
    ['a PNG cut at 60%', 'pngCut60', 'CORRUPT_FILE'],
    ['a PNG missing its last 100 bytes', 'pngMinus100', 'CORRUPT_FILE'],
    ['a TIFF cut at 60%', 'tiffCut60', 'CORRUPT_FILE'],
    ['a PNG claiming 400 megapixels (decompression bomb)', 'bombPng', 'TOO_COMPLEX'],
    ['a password-protected PDF', 'encryptedPdf', 'ENCRYPTED_DOCUMENT'],
    ['a PDF without pages', 'zeroPagePdf', 'EMPTY_DOCUMENT'],
    ['a zero-byte file', 'zeroBytes', 'EMPTY_DOCUMENT'],
    ['an executable renamed .pdf', 'exe', 'UNSUPPORTED_TYPE'],
    ['a plain text file', 'text', 'UNSUPPORTED_TYPE'],
  ];
  for (const [what, name, code] of bad) {
    test(`${what} fails with ${code} and a message a clerk can read`, async () => {
      await rejectsWith(processor(fileOf(docs[name], 'upload.pdf', 'application/pdf'), contextOf()), code);
    });
  }

  test('the parser threads keep working after bad files', async () => {
    const result = await processor(fileOf(docs.png, 'scan.png', 'image/png'), contextOf());
    assert.equal(result.width, IMAGE_SIZE.width);
  });

  test('files beyond the pool size wait for a free thread and all finish', async () => {
    const names = ['pdf1', 'png', 'jpeg', 'pdf3', 'webp', 'tiff'] as const;
    const results = await Promise.all(names.map((name) => processor(fileOf(docs[name]), contextOf())));
    assert.deepEqual(
      results.map((result) => result.sha256),
      names.map((name) => sha256(docs[name])),
    );
  });

  test('a small file in shared Buffer memory is copied, so neighbouring buffers stay intact', async () => {
    const pooled = Buffer.from(docs.webp); // under 4 KB: a slice of Node's shared pool
    assert.ok(pooled.byteLength < pooled.buffer.byteLength);
    const neighbour = Buffer.from('neighbour');
    const file = { ...fileOf(docs.webp), read: async () => pooled };
    const result = await processor(file, contextOf());
    assert.equal(result.sha256, sha256(docs.webp));
    assert.equal(pooled.length, docs.webp.length);
    assert.equal(neighbour.toString(), 'neighbour');
  });
});

describe('inspect processor limits', () => {
  test('a parse that outlasts timeoutMs fails with PROCESSING_TIMEOUT, and the next file is read by a fresh thread', async () => {
    const processor = createInspectProcessor({ timeoutMs: 1_000, maxWorkers: 1 });
    try {
      // Warm the single thread, so the timeout below measures parsing alone.
      assert.equal((await processor(fileOf(docs.pdf1), contextOf())).pages, 1);
      const started = performance.now();
      await rejectsWith(processor(fileOf(makeSlowPdf()), contextOf()), 'PROCESSING_TIMEOUT');
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 1_000 && elapsed < 5_000, `timed out after ${Math.round(elapsed)} ms`);
      const next = await processor(fileOf(docs.pdf3), contextOf());
      assert.equal(next.pages, 3);
    } finally {
      await processor.close();
    }
  });

  test('an aborted call terminates its parse at once and rejects with the abort reason', async () => {
    const processor = createInspectProcessor({ maxWorkers: 1 });
    try {
      assert.equal((await processor(fileOf(docs.png), contextOf())).pages, 1);
      const timers = activeTimers();
      const controller = new AbortController();
      const reason = new Error('lease lost');
      const started = performance.now();
      const call = processor(fileOf(makeSlowPdf()), contextOf(controller.signal));
      await new Promise((resolve) => setTimeout(resolve, 300));
      controller.abort(reason);
      await assert.rejects(call, (error) => error === reason);
      assert.ok(performance.now() - started < 3_000, 'the 10 s parse was cut short');
      assert.equal(activeTimers(), timers, 'no timeout is left armed');
      // With one thread, the next file would wait out the 10 s parse had it not been stopped.
      const nextStarted = performance.now();
      const next = await processor(fileOf(docs.jpeg), contextOf());
      assert.equal(next.width, IMAGE_SIZE.width);
      assert.ok(performance.now() - nextStarted < 8_000, 'a fresh thread took the next file');
    } finally {
      await processor.close();
    }
  });

  test("files waiting for a parser are served by turns of their workspace, not behind another workspace's queue", async () => {
    const processor = createInspectProcessor({ maxWorkers: 1 });
    try {
      const order: string[] = [];
      const run = (name: string, workspace: string) => processor(fileOf(docs.pdf3), contextOf(undefined, workspace)).then(() => order.push(name));
      // A's three files are queued first; B's one after them, all while the one parser is busy.
      await Promise.all([run('a1', 'clinic-a'), run('a2', 'clinic-a'), run('a3', 'clinic-a'), run('b1', 'clinic-b'), run('a4', 'clinic-a')]);
      assert.deepEqual(order, ['a1', 'b1', 'a2', 'a3', 'a4']);
    } finally {
      await processor.close();
    }
  });

  test('a call whose signal is already aborted rejects without reading the file', async () => {
    const processor = createInspectProcessor();
    try {
      let reads = 0;
      const file = { ...fileOf(docs.pdf1), read: async () => (reads++, Buffer.from(docs.pdf1)) };
      await assert.rejects(processor(file, contextOf(AbortSignal.abort())), { name: 'AbortError' });
      assert.equal(reads, 0);
    } finally {
      await processor.close();
    }
  });

  test('maxTextChars caps the text returned', async () => {
    const processor = createInspectProcessor({ maxTextChars: 10, maxWorkers: 1 });
    try {
      const result = await processor(fileOf(docs.pdf3), contextOf());
      assert.equal(result.text, PAGE_WORDS[0].slice(0, 10));
    } finally {
      await processor.close();
    }
  });

  test('after close, calls fail', async () => {
    const processor = createInspectProcessor();
    await processor.close();
    await assert.rejects(processor(fileOf(docs.png), contextOf()), /closed/);
  });

  test('invalid options are refused at construction', () => {
    assert.throws(() => createInspectProcessor({ timeoutMs: 0 }), RangeError);
    assert.throws(() => createInspectProcessor({ maxWorkers: 1.5 }), RangeError);
    assert.throws(() => createInspectProcessor({ maxTextChars: -1 }), RangeError);
  });
});

describe('inspectDocument', () => {
  test('inspects in the calling thread with the same facts', async () => {
    const result = await inspectDocument(Buffer.from(docs.jpeg));
    assert.equal(result.detected_type, 'image/jpeg');
    assert.equal(result.sha256, sha256(docs.jpeg));
    assert.equal(result.width, IMAGE_SIZE.width);
  });

  test('reads a PDF handed over as a Buffer in shared memory and leaves that Buffer intact', async () => {
    const pooled = Buffer.from(docs.pdf1);
    assert.ok(pooled.byteLength < pooled.buffer.byteLength, 'a slice of the shared pool');
    const result = await inspectDocument(pooled);
    assert.equal(result.pages, 1);
    assert.equal(pooled.length, docs.pdf1.length);
    assert.equal(sha256(pooled), sha256(docs.pdf1));
  });

  test('refuses a truncated image in the calling thread too', async () => {
    await rejectsWith(inspectDocument(Buffer.from(docs.jpegMinus100)), 'CORRUPT_FILE');
  });
});
