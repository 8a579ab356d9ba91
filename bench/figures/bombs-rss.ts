import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFlateBombPdf, makeOneStripTiffBomb } from '@batch-uploader/test-support/hostile-files';
import { acceptedBatchId, waitUntilFinished } from '../lib/batch-api.js';
import { withScope } from '../lib/cleanup.js';
import type { BenchModule, Figure } from '../lib/figure.js';
import { readTreeRssMb } from '../lib/proc-stats.js';
import { startDemoServer } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';
import { makeTempDir } from '../lib/temp-dir.js';
import { uploadFiles, type UploadFile } from '../lib/upload-client.js';

const RUNS = 3;
const SAMPLE_MS = 25;
// The old inspector let these run to its 30 s timeout, two at a time.
const FINISH_TIMEOUT_MS = 300_000;

/** One batch of bombs through a fresh demo server. */
export interface BombRun {
  /** Highest resident memory of the server and its parser processes together, in MB. */
  peakRssMb: number;
  /** The same once the server listened, before the upload. */
  idleRssMb: number;
  /** From the upload's answer until every file was final. */
  ms: number;
  /** Each file's outcome: `completed` or its error code. */
  outcomes: string[];
}

/**
 * Decompression bombs: two 10 KB PDFs whose page stream is FlateDecode twice (4 GiB)
 * and four 110 KB TIFFs of 100 pages of 10000 × 10000 pixels sharing one strip, in one
 * batch to the real demo server with CONCURRENCY=4. The figure is the highest resident
 * memory of the whole process tree (the server and every parser process it started,
 * summed from /proc every 25 ms) while it processes them, over fresh servers.
 */
export const bombsRss: BenchModule = {
  id: 'bombs',
  keys: ['processing_peak_rss_mb_bombs'],
  run: ({ progress }) =>
    withScope(async (scope) => {
      const work = await makeTempDir(scope, 'bombs');
      const files = await writeBombs(work);
      progress(`bombs: ${RUNS} fresh demo servers, CONCURRENCY=4, 2 PDF flate bombs + 4 one-strip TIFF bombs each`);
      const runs: BombRun[] = [];
      for (let i = 0; i < RUNS; i++) {
        const run = await runBombs(work, files);
        progress(
          `  run ${i + 1}: peak ${run.peakRssMb.toFixed(0)} MB (idle ${run.idleRssMb.toFixed(0)}), ${(run.ms / 1000).toFixed(1)} s, ${run.outcomes.join(' ')}`,
        );
        if (run.outcomes.some((outcome) => outcome !== 'TOO_COMPLEX')) throw new Error(`a bomb was not refused as too complex: ${run.outcomes.join(', ')}`);
        runs.push(run);
      }
      const peaks = runs.map((run) => run.peakRssMb);
      return [
        {
          key: 'processing_peak_rss_mb_bombs',
          value: round(Math.max(...peaks), 1),
          unit: 'MB',
          target: { goal: 600, floor: 900, better: 'lower' },
          detail: `server + parser processes, highest of ${RUNS} fresh servers (median ${median(peaks).toFixed(0)}; ${median(runs.map((r) => r.idleRssMb)).toFixed(0)} once listening); 6 bombs, CONCURRENCY=4, all TOO_COMPLEX in ${(median(runs.map((r) => r.ms)) / 1000).toFixed(1)} s`,
        },
      ] satisfies Figure[];
    }),
};

/** Writes the six bombs into `dir`. */
export async function writeBombs(dir: string): Promise<UploadFile[]> {
  const files: UploadFile[] = [];
  for (let i = 1; i <= 2; i++) {
    const path = join(dir, `flate-bomb-${i}.pdf`);
    await writeFile(path, makeFlateBombPdf());
    files.push({ path, name: `flate-bomb-${i}.pdf`, type: 'application/pdf' });
  }
  for (let i = 1; i <= 4; i++) {
    const path = join(dir, `strip-bomb-${i}.tif`);
    await writeFile(path, makeOneStripTiffBomb());
    files.push({ path, name: `strip-bomb-${i}.tif`, type: 'image/tiff' });
  }
  return files;
}

/** Uploads `files` to a fresh demo server (or the build at `main`) and samples its tree's memory until every file is final. */
export function runBombs(logDir: string, files: UploadFile[], main?: string): Promise<BombRun> {
  return withScope(async (scope) => {
    const dataDir = await makeTempDir(scope, 'bombs-data');
    const server = await startDemoServer(scope, { dataDir, logDir, env: { CONCURRENCY: '4' }, ...(main ? { main } : {}) });
    const idleRssMb = await readTreeRssMb(server.pid);
    let peakRssMb = idleRssMb;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRssMb = Math.max(peakRssMb, await readTreeRssMb(server.pid));
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      }
    })();
    try {
      const upload = await uploadFiles(`${server.api}/batch-upload`, files, 60_000);
      const batchId = acceptedBatchId(upload.status, upload.body);
      const started = performance.now();
      const done = await waitUntilFinished(server.api, batchId, FINISH_TIMEOUT_MS);
      const ms = performance.now() - started;
      return { peakRssMb, idleRssMb, ms, outcomes: done.files.map((file) => file.error?.code ?? file.status) };
    } finally {
      sampling = false;
      await sampler;
      await server.stop(2_000);
    }
  });
}
