import { join } from 'node:path';
import { alternate } from '../lib/alternate.js';
import { acceptedBatchId, fetchBatch, waitUntilFinished } from '../lib/batch-api.js';
import { withScope } from '../lib/cleanup.js';
import { writeScanPdf } from '../lib/documents.js';
import type { BenchContext, BenchModule, Figure } from '../lib/figure.js';
import { readProcessCpuMs, readProcessMemory } from '../lib/proc-stats.js';
import { startBaseline, startDemoServer } from '../lib/servers.js';
import { median, range, ratios, round } from '../lib/stats.js';
import { makeTempDir } from '../lib/temp-dir.js';
import { uploadFiles, type UploadFile } from '../lib/upload-client.js';

/** One upload to a fresh server process. */
interface IngestRun {
  /** File bytes per second, in MB (10^6), seen by the client. */
  mbPerSecond: number;
  /** The server's VmHWM when the answer arrived. */
  peakRssMb: number;
  /** The server's VmHWM once it was listening, before the upload. */
  idleRssMb: number;
  /** The server's CPU time (user + system, all threads) per MB received. */
  cpuMsPerMb: number;
  /** The server's VmHWM after it also inspected every file (only when asked for). */
  processingPeakRssMb?: number;
}

// Generous: 2.5 GB at a crawl of 10 MB/s still fits.
const UPLOAD_TIMEOUT_MS = 300_000;
const PROCESSING_TIMEOUT_MS = 300_000;

/**
 * Ingest: one batch of large valid PDFs uploaded to the real demo server and to a bare
 * Express + multer diskStorage route, each a child process started fresh for every
 * upload (so that its peak RSS belongs to that upload alone), alternating A/B with the
 * same client. Then smaller batches to the demo server, to show that its memory does not
 * grow with the batch, and once what inspecting the files costs.
 */
export const ingest: BenchModule = {
  id: 'ingest',
  keys: [
    'ingest_ratio_vs_bare_multer',
    'ingest_cpu_ratio_vs_bare_multer',
    'ingest_mb_per_s',
    'ingest_bare_multer_mb_per_s',
    'ingest_peak_rss_mb',
    'ingest_peak_rss_mb_5_files',
    'ingest_bare_multer_peak_rss_mb',
    'processing_peak_rss_mb_5_files',
  ],
  run: (context) =>
    withScope(async (scope) => {
      const { settings, progress } = context;
      const n = settings.ingestRuns;
      const work = await makeTempDir(scope, 'ingest');
      const document = join(work, 'scan.pdf');
      const bytes = await writeScanPdf(document, settings.ingestFileBytes);
      const fileMb = (bytes / 1e6).toFixed(0);
      const files = (count: number): UploadFile[] =>
        Array.from({ length: count }, (_, i) => ({ path: document, name: `scan-${i + 1}.pdf`, type: 'application/pdf' }));

      progress(`ingest: ${n} rounds of ${settings.ingestFiles} × ${fileMb} MB to each server`);
      const demo: IngestRun[] = [];
      const bare: IngestRun[] = [];
      const record = (runs: IngestRun[], run: IngestRun): number => {
        runs.push(run);
        return run.mbPerSecond;
      };
      const samples = await alternate(
        n,
        {
          demo: async () => record(demo, await demoUpload(context, work, files(settings.ingestFiles), false)),
          bare: async () => record(bare, await bareUpload(work, files(settings.ingestFiles))),
        },
        (variant, roundIndex, value) => progress(`  round ${roundIndex + 1} ${variant}: ${value.toFixed(0)} MB/s`),
      );

      progress(`ingest: ${n} uploads of ${settings.ingestSmallFiles} × ${fileMb} MB to the demo server`);
      const small: IngestRun[] = [];
      for (let i = 0; i < n; i++) small.push(await demoUpload(context, work, files(settings.ingestSmallFiles), i === 0));

      // demo[i] and bare[i] belong to the same round.
      const throughputRatio = ratios(samples.demo, samples.bare);
      const cpuRatio = ratios(
        bare.map((r) => r.cpuMsPerMb),
        demo.map((r) => r.cpuMsPerMb),
      );
      const peak = (runs: IngestRun[]) => Math.max(...runs.map((r) => r.peakRssMb));
      const med = (runs: IngestRun[], pick: (run: IngestRun) => number) => median(runs.map(pick)).toFixed(0);
      const spread = (values: number[]) =>
        range(values)
          .map((v) => v.toFixed(2))
          .join('–');
      return [
        {
          key: 'ingest_ratio_vs_bare_multer',
          value: round(median(throughputRatio), 3),
          unit: '×',
          target: { goal: 0.9, floor: 0.7, better: 'higher' },
          detail: `throughput demo ÷ bare, ${settings.ingestFiles} × ${fileMb} MB PDFs, median of ${n} A/B rounds (range ${spread(throughputRatio)})`,
        },
        {
          key: 'ingest_cpu_ratio_vs_bare_multer',
          value: round(median(cpuRatio), 3),
          unit: '×',
          detail: `server CPU per MB, bare ÷ demo, median of ${n} (${median(bare.map((r) => r.cpuMsPerMb)).toFixed(1)} vs ${median(demo.map((r) => r.cpuMsPerMb)).toFixed(1)} ms/MB): not capped by the client`,
        },
        { key: 'ingest_mb_per_s', value: round(median(samples.demo), 1), unit: 'MB/s', detail: `demo server, median of ${n}` },
        {
          key: 'ingest_bare_multer_mb_per_s',
          value: round(median(samples.bare), 1),
          unit: 'MB/s',
          detail: `bare Express + multer diskStorage, median of ${n}`,
        },
        {
          key: 'ingest_peak_rss_mb',
          value: round(peak(demo), 1),
          unit: 'MB',
          target: { goal: 150, floor: 250, better: 'lower' },
          detail: `highest VmHWM of ${n} fresh demo servers, ${settings.ingestFiles} files (median ${med(demo, (r) => r.peakRssMb)}; ${med(demo, (r) => r.idleRssMb)} once listening)`,
        },
        {
          key: 'ingest_peak_rss_mb_5_files',
          value: round(peak(small), 1),
          unit: 'MB',
          target: { goal: 150, floor: 250, better: 'lower' },
          detail: `same, ${settings.ingestSmallFiles} files (median ${med(small, (r) => r.peakRssMb)})`,
        },
        {
          key: 'ingest_bare_multer_peak_rss_mb',
          value: round(peak(bare), 1),
          unit: 'MB',
          detail: `bare multer server, ${settings.ingestFiles} files, for comparison (${med(bare, (r) => r.idleRssMb)} once listening)`,
        },
        {
          key: 'processing_peak_rss_mb_5_files',
          value: round(small[0]!.processingPeakRssMb!, 1),
          unit: 'MB',
          detail: `demo server after also inspecting its ${settings.ingestSmallFiles} × ${fileMb} MB PDFs (3 at a time), once`,
        },
      ] satisfies Figure[];
    }),
};

/** Uploads to a fresh demo server; with `untilProcessed`, also waits for inspection and reads the peak again. */
function demoUpload(context: BenchContext, logDir: string, files: UploadFile[], untilProcessed: boolean): Promise<IngestRun> {
  return withScope(async (scope) => {
    const dataDir = await makeTempDir(scope, 'demo-data');
    const server = await startDemoServer(scope, { dataDir, logDir });
    const idle = await readProcessMemory(server.pid);
    const cpuBefore = await readProcessCpuMs(server.pid);
    const timing = await uploadFiles(`${server.api}/batch-upload`, files, UPLOAD_TIMEOUT_MS);
    // Read at once: the engine starts inspecting the files right after answering.
    const { peakRssMb } = await readProcessMemory(server.pid);
    const cpuMs = (await readProcessCpuMs(server.pid)) - cpuBefore;
    const batchId = acceptedBatchId(timing.status, timing.body);
    // Proof that the real path was taken: every file sniffed as a PDF and queued.
    const batch = await fetchBatch(server.api, batchId);
    if (batch.files.length !== files.length || batch.files.some((f) => f.detected_type !== 'application/pdf' || f.status === 'failed')) {
      throw new Error(`the demo server did not accept every file: ${JSON.stringify(batch.progress)}`);
    }
    const run: IngestRun = {
      mbPerSecond: timing.bytes / 1e6 / (timing.ms / 1000),
      peakRssMb,
      idleRssMb: idle.peakRssMb,
      cpuMsPerMb: cpuMs / (timing.bytes / 1e6),
    };
    if (untilProcessed) {
      context.progress(`  waiting for the demo server to inspect ${files.length} files…`);
      const done = await waitUntilFinished(server.api, batchId, PROCESSING_TIMEOUT_MS);
      if (done.progress.completed !== files.length) throw new Error(`inspection did not complete: ${JSON.stringify(done.progress)}`);
      run.processingPeakRssMb = (await readProcessMemory(server.pid)).peakRssMb;
    }
    // Its data is thrown away: running inspections need not finish.
    await server.stop(500);
    return run;
  });
}

/** Uploads to a fresh bare Express + multer server. */
function bareUpload(logDir: string, files: UploadFile[]): Promise<IngestRun> {
  return withScope(async (scope) => {
    const uploadDir = await makeTempDir(scope, 'bare-uploads');
    const server = await startBaseline(scope, 'bare-multer-server', { env: { UPLOAD_DIR: uploadDir }, logDir });
    const idle = await readProcessMemory(server.pid);
    const cpuBefore = await readProcessCpuMs(server.pid);
    const timing = await uploadFiles(`${server.api}/upload`, files, UPLOAD_TIMEOUT_MS);
    const { peakRssMb } = await readProcessMemory(server.pid);
    const cpuMs = (await readProcessCpuMs(server.pid)) - cpuBefore;
    const received = (timing.body as { files?: unknown } | null)?.files;
    if (timing.status !== 202 || received !== files.length) {
      throw new Error(`the bare multer server answered ${timing.status} ${JSON.stringify(timing.body)}`);
    }
    await server.stop(2_000);
    return {
      mbPerSecond: timing.bytes / 1e6 / (timing.ms / 1000),
      peakRssMb,
      idleRssMb: idle.peakRssMb,
      cpuMsPerMb: cpuMs / (timing.bytes / 1e6),
    };
  });
}
