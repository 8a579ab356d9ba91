import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acceptedBatchId, waitUntilFinished } from '../lib/batch-api.js';
import { withScope } from '../lib/cleanup.js';
import { reportPdf } from '../lib/documents.js';
import type { BenchModule, Figure } from '../lib/figure.js';
import { startDemoServer } from '../lib/servers.js';
import { startSlowService } from '../lib/slow-service.js';
import { median, range } from '../lib/stats.js';
import { makeTempDir } from '../lib/temp-dir.js';
import { uploadFiles, type UploadFile } from '../lib/upload-client.js';
import { writeBombs } from './bombs-rss.js';

const TOKEN_A = 'bench-token-clinic-a-0123456789';
const TOKEN_B = 'bench-token-clinic-b-0123456789';
const AS_A = { authorization: `Bearer ${TOKEN_A}` };
const AS_B = { authorization: `Bearer ${TOKEN_B}` };
/** How long the slow processing service takes for each of clinic A's files. */
const SLOW_MS = 5_000;
const SLOW_ROUNDS = 3;
const FINISH_TIMEOUT_MS = 120_000;

/** What clinic A sends before clinic B's one file, and how the server processes it. */
export interface FairnessScene {
  /** Clinic A's batches, uploaded one after the other. */
  aBatches: UploadFile[][];
  /** Clinic B's one-file batch, uploaded right after A's last answer. */
  bFile: UploadFile;
  /** More settings of the demo server (CONCURRENCY=4 and the two tokens are set). */
  env?: Record<string, string>;
}

/** One run of a scene on a fresh demo server. */
export interface FairnessRun {
  /** From B's upload answer to B's batch finished, as B's status polls (every 25 ms) see it. */
  ms: number;
  /** B's file's outcome: `completed` or its error code. */
  outcome: string;
}

/**
 * Runs `scene` on a fresh demo server (`main`: another build of it, for a comparison with
 * the code before a change). B's clock starts when its upload is answered and stops at the
 * first status poll that shows its batch finished.
 */
export function runFairness(logDir: string, scene: FairnessScene, main?: string): Promise<FairnessRun> {
  return withScope(async (scope) => {
    const dataDir = await makeTempDir(scope, 'fairness-data');
    const env = { CONCURRENCY: '4', API_TOKENS: `${TOKEN_A}:clinic-a,${TOKEN_B}:clinic-b`, ...scene.env };
    const server = await startDemoServer(scope, { dataDir, logDir, env, ...(main ? { main } : {}) });
    try {
      for (const files of scene.aBatches) {
        const a = await uploadFiles(`${server.api}/batch-upload`, files, 60_000, AS_A);
        acceptedBatchId(a.status, a.body);
      }
      const b = await uploadFiles(`${server.api}/batch-upload`, [scene.bFile], 60_000, AS_B);
      const answered = performance.now();
      const batchId = acceptedBatchId(b.status, b.body);
      const done = await waitUntilFinished(server.api, batchId, FINISH_TIMEOUT_MS, { headers: AS_B, everyMs: 25 });
      const ms = performance.now() - answered;
      const file = done.files[0]!;
      return { ms, outcome: file.error?.code ?? file.status };
    } finally {
      await server.stop(2_000);
    }
  });
}

/** The three scenes of the figures, their files written into `dir`. */
export async function fairnessScenes(dir: string, slowServiceUrl: string): Promise<Record<'bombs' | 'slowOneBatch' | 'slowTenBatches', FairnessScene>> {
  const bombs = await writeBombs(dir);
  const pdfPath = join(dir, 'discharge-letter.pdf');
  await writeFile(pdfPath, reportPdf([['Discharge letter', 'Follow-up in two weeks.', 'No change to medication.']]));
  const pdf = (name: string): UploadFile => ({ path: pdfPath, name, type: 'application/pdf' });
  const tenA = Array.from({ length: 10 }, (_, i) => pdf(`scan-${i + 1}.pdf`));
  const slow = { PROCESSOR_URL: slowServiceUrl };
  return {
    bombs: { aBatches: [bombs], bFile: pdf('letter.pdf') },
    slowOneBatch: { aBatches: [tenA], bFile: pdf('letter.pdf'), env: slow },
    slowTenBatches: { aBatches: tenA.map((file) => [file]), bFile: pdf('letter.pdf'), env: slow },
  };
}

/**
 * One workspace must not starve another: a demo server with CONCURRENCY=4 and two
 * workspaces; clinic A uploads the six decompression bombs of `processing_peak_rss_mb_bombs`
 * in one batch, then clinic B uploads a one-page PDF. The figure is B's wait, from its
 * upload answer to its batch completed, median of fresh servers.
 *
 * Bombs now fail within seconds (TOO_COMPLEX), so the case that motivated the figure is
 * measured too, for information: with `PROCESSOR_URL` pointing at a service that takes
 * 5 s for each of A's files (and answers B's at once), A sends ten files in one batch,
 * or in ten batches of one, and B's one file follows.
 */
export const fairness: BenchModule = {
  id: 'fairness',
  keys: ['fairness_other_workspace_ms', 'fairness_other_workspace_ms_slow_one_batch', 'fairness_other_workspace_ms_slow_ten_batches'],
  run: ({ settings, progress }) =>
    withScope(async (scope) => {
      const work = await makeTempDir(scope, 'fairness');
      const service = await startSlowService(scope, (workspace) => (workspace === 'clinic-a' ? SLOW_MS : 0));
      const scenes = await fairnessScenes(work, service);
      const measure = async (name: string, scene: FairnessScene, rounds: number): Promise<number[]> => {
        const samples: number[] = [];
        for (let i = 0; i < rounds; i++) {
          const run = await runFairness(work, scene);
          if (run.outcome !== 'completed') throw new Error(`${name}: clinic B's file ended ${run.outcome}, not completed`);
          progress(`  ${name} run ${i + 1}: B finished ${(run.ms / 1000).toFixed(2)} s after its upload was answered`);
          samples.push(run.ms);
        }
        return samples;
      };
      progress(`fairness: ${settings.runs} fresh demo servers (CONCURRENCY=4): A's 6 bombs, then B's 1-page PDF`);
      const bombs = await measure('bombs', scenes.bombs, settings.runs);
      progress(
        `fairness: a service taking ${SLOW_MS / 1000} s per file of A; A's 10 files in 1 batch, then in 10 batches, then B's 1 file (${SLOW_ROUNDS} servers each)`,
      );
      const oneBatch = await measure('slow, one batch', scenes.slowOneBatch, SLOW_ROUNDS);
      const tenBatches = await measure('slow, ten batches', scenes.slowTenBatches, SLOW_ROUNDS);
      const spread = (values: number[]) =>
        range(values)
          .map((v) => Math.round(v))
          .join('–');
      return [
        {
          key: 'fairness_other_workspace_ms',
          value: Math.round(median(bombs)),
          unit: 'ms',
          target: { goal: 3_000, floor: 10_000, better: 'lower' },
          detail: `B's 1-page PDF, upload answer to batch completed, while A's 6 bombs run; CONCURRENCY=4, median of ${bombs.length} fresh servers (range ${spread(bombs)})`,
        },
        {
          key: 'fairness_other_workspace_ms_slow_one_batch',
          value: Math.round(median(oneBatch)),
          unit: 'ms',
          detail: `the same with a processing service taking ${SLOW_MS / 1000} s per file of A, A's 10 files in one batch; median of ${oneBatch.length} (range ${spread(oneBatch)})`,
        },
        {
          key: 'fairness_other_workspace_ms_slow_ten_batches',
          value: Math.round(median(tenBatches)),
          unit: 'ms',
          detail: `the same, A's 10 files in 10 batches of one; median of ${tenBatches.length} (range ${spread(tenBatches)})`,
        },
      ] satisfies Figure[];
    }),
};
