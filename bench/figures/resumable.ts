import { openAsBlob } from 'node:fs';
import { open } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { CreateBatchResponse } from '@batch-uploader/protocol';
import { alternate } from '../lib/alternate.js';
import { acceptedBatchId, fetchBatch } from '../lib/batch-api.js';
import { withScope } from '../lib/cleanup.js';
import { writeScanPdf } from '../lib/documents.js';
import type { BenchContext, BenchModule, Figure } from '../lib/figure.js';
import { startDemoServer } from '../lib/servers.js';
import { median, range, ratios, round } from '../lib/stats.js';
import { makeTempDir } from '../lib/temp-dir.js';
import { uploadFiles, type UploadFile } from '../lib/upload-client.js';

const TIMEOUT_MS = 300_000;
/** Where each cut falls, as a share of the file: three cuts per upload. */
const CUTS = [0.3, 0.6, 0.9] as const;

/**
 * Resumable uploads (tus 1.0) on the real demo server. `resume_resent_ratio`: a 50 MB
 * file sent in one PATCH whose connection is destroyed three times (at 30, 60 and 90% of
 * the file); after each cut the client asks HEAD for the offset and sends the rest. The
 * figure is every byte the client wrote ÷ the file's size. `tus_ingest_ratio_vs_multipart`:
 * the ingest workload (50 × 50 MB) through tus, one file after another (creation, then one
 * PATCH streamed from disk), against one multipart request, alternating A/B, each on a
 * fresh server.
 */
export const resumable: BenchModule = {
  id: 'resumable',
  keys: ['resume_resent_ratio', 'tus_ingest_ratio_vs_multipart', 'tus_ingest_mb_per_s'],
  run: (context) =>
    withScope(async (scope) => {
      const { settings, progress } = context;
      const work = await makeTempDir(scope, 'resumable');
      const document = join(work, 'scan.pdf');
      const bytes = await writeScanPdf(document, settings.ingestFileBytes);
      const fileMb = (bytes / 1e6).toFixed(0);

      progress(`resumable: a ${fileMb} MB upload cut ${CUTS.length} times, ${settings.ingestRuns} runs`);
      const resent: number[] = [];
      for (let i = 0; i < settings.ingestRuns; i++) resent.push(await cutUpload(context, work, document, bytes));

      const files: UploadFile[] = Array.from({ length: settings.ingestFiles }, (_, i) => ({
        path: document,
        name: `scan-${i + 1}.pdf`,
        type: 'application/pdf',
      }));
      progress(`resumable: ${settings.ingestRuns} rounds of ${files.length} × ${fileMb} MB through tus and multipart`);
      const samples = await alternate(
        settings.ingestRuns,
        { tus: () => ingest(work, files, 'tus'), multipart: () => ingest(work, files, 'multipart') },
        (variant, roundIndex, value) => progress(`  round ${roundIndex + 1} ${variant}: ${value.toFixed(0)} MB/s`),
      );
      const ratio = ratios(samples.tus, samples.multipart);
      const figures: Figure[] = [
        {
          key: 'resume_resent_ratio',
          value: round(Math.max(...resent), 4),
          unit: '×',
          target: { goal: 1.05, floor: 1.2, better: 'lower' },
          detail: `bytes written ÷ file size, ${fileMb} MB cut ${CUTS.length} times, worst of ${resent.length} (${resent.map((r) => r.toFixed(4)).join(', ')})`,
        },
        {
          key: 'tus_ingest_ratio_vs_multipart',
          value: round(median(ratio), 3),
          unit: '×',
          target: { goal: 0.9, floor: 0.7, better: 'higher' },
          detail: `throughput tus ÷ multipart, ${files.length} × ${fileMb} MB, median of ${ratio.length} A/B rounds (range ${range(ratio)
            .map((v) => v.toFixed(2))
            .join('–')})`,
        },
        {
          key: 'tus_ingest_mb_per_s',
          value: round(median(samples.tus), 1),
          unit: 'MB/s',
          detail: `tus, one file after another, median of ${samples.tus.length}`,
        },
      ];
      return figures;
    }),
};

/** One upload cut three times and resumed; resolves with bytes written ÷ file size. */
function cutUpload(context: BenchContext, logDir: string, path: string, size: number): Promise<number> {
  return withScope(async (scope) => {
    const server = await startDemoServer(scope, { dataDir: await makeTempDir(scope, 'resumable-data'), logDir });
    const batch = await createBatch(server.api);
    const url = await createUpload(server.api, batch, size, 'scan.pdf');
    let written = 0;
    for (const cut of CUTS) {
      const offset = await settledOffset(url);
      written += await patchUntil(url, path, offset, Math.floor(size * cut));
    }
    written += await patchUntil(url, path, await settledOffset(url), size);
    await fetch(`${server.api}/batch/${batch}/close`, { method: 'POST' });
    const done = await fetchBatch(server.api, batch);
    if (done.files.length !== 1 || done.files[0]!.size !== size) throw new Error(`the resumed upload did not arrive whole: ${JSON.stringify(done.files)}`);
    context.progress(`  ${(written / 1e6).toFixed(2)} MB written for ${(size / 1e6).toFixed(2)} MB`);
    await server.stop(500);
    return written / size;
  });
}

/** One ingest of `files` to a fresh server; resolves with MB/s of file bytes. */
function ingest(logDir: string, files: readonly UploadFile[], via: 'tus' | 'multipart'): Promise<number> {
  return withScope(async (scope) => {
    const server = await startDemoServer(scope, { dataDir: await makeTempDir(scope, `${via}-data`), logDir });
    const started = performance.now();
    let bytes = 0;
    let batchId: string;
    if (via === 'multipart') {
      const timing = await uploadFiles(`${server.api}/batch-upload`, files, TIMEOUT_MS);
      batchId = acceptedBatchId(timing.status, timing.body);
      bytes = timing.bytes;
    } else {
      batchId = await createBatch(server.api);
      for (const file of files) {
        const blob = await openAsBlob(file.path);
        const url = await createUpload(server.api, batchId, blob.size, file.name);
        const res = await fetch(url, { method: 'PATCH', headers: patchHeaders(0), body: blob, signal: AbortSignal.timeout(TIMEOUT_MS) });
        if (res.status !== 204) throw new Error(`PATCH answered ${res.status}`);
        bytes += blob.size;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const batch = await fetchBatch(server.api, batchId);
    if (batch.files.length !== files.length || batch.files.some((f) => f.status === 'failed')) throw new Error(`not every file arrived through ${via}`);
    await server.stop(500);
    return bytes / 1e6 / seconds;
  });
}

async function createBatch(api: string): Promise<string> {
  const res = await fetch(`${api}/batches`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`POST /batches answered ${res.status}`);
  return ((await res.json()) as CreateBatchResponse).batch_id;
}

async function createUpload(api: string, batchId: string, size: number, name: string): Promise<string> {
  const metadata = `batch_id ${Buffer.from(batchId).toString('base64')},filename ${Buffer.from(name).toString('base64')}`;
  const res = await fetch(`${api}/uploads`, {
    method: 'POST',
    headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(size), 'Upload-Metadata': metadata },
  });
  if (res.status !== 201) throw new Error(`tus creation answered ${res.status}`);
  return new URL(res.headers.get('location')!, api).href;
}

async function offsetOf(url: string): Promise<number> {
  const res = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  if (res.status !== 200) throw new Error(`HEAD answered ${res.status}`);
  return Number(res.headers.get('upload-offset'));
}

/** The offset once the server has stored what a cut request delivered (two equal answers 100 ms apart). */
async function settledOffset(url: string): Promise<number> {
  let last = await offsetOf(url);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await offsetOf(url);
    if (now === last) return now;
    last = now;
  }
}

function patchHeaders(offset: number): Record<string, string> {
  return { 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' };
}

/**
 * Sends the file from `offset` in one PATCH and destroys the connection once the bytes up
 * to `cutAt` are written (or lets it end when `cutAt` is the file's end); resolves with
 * the bytes written to the socket.
 */
async function patchUntil(url: string, path: string, offset: number, cutAt: number): Promise<number> {
  const file = await open(path, 'r');
  const size = (await file.stat()).size;
  const whole = cutAt >= size;
  let written = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { method: 'PATCH', headers: { ...patchHeaders(offset), 'Content-Length': String(size - offset) } });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`PATCH answered ${res.statusCode}`))));
      });
      req.on('error', () => (whole ? reject(new Error('the last PATCH failed')) : resolve()));
      const chunk = Buffer.alloc(256 * 1024);
      const pump = async () => {
        let at = offset;
        while (at < cutAt) {
          const { bytesRead } = await file.read(chunk, 0, Math.min(chunk.length, cutAt - at), at);
          at += bytesRead;
          written += bytesRead;
          if (!req.write(chunk.subarray(0, bytesRead))) await new Promise((drained) => req.once('drain', drained));
        }
        if (whole) req.end();
        // A cut: the connection dies with the request half sent, as when Wi-Fi drops.
        else setTimeout(() => req.destroy(), 200);
      };
      pump().catch(reject);
    });
  } finally {
    await file.close();
  }
  return written;
}
