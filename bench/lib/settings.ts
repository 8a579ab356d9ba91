/**
 * What a bench run is told, from the environment, parsed once. Every count and duration
 * is bounded, so that a typo cannot start an hour-long run.
 */
export interface BenchSettings {
  /** Figures to run by id (`npm run bench -- ingest status`, or `BENCH_ONLY=ingest,status`); empty runs all. */
  only: string[];
  /** A/B rounds of the ingest figure (each uploads the batch to both servers). @default 3 */
  ingestRuns: number;
  /** A/B rounds of the worker speed-up figure (about 13 s each). @default 3 */
  speedupRuns: number;
  /** Rounds of every other figure. @default 5 */
  runs: number;
  /** Files in the large ingest batch. @default 50 */
  ingestFiles: number;
  /** Files in the small batch, to show memory does not grow with batch size. @default 5 */
  ingestSmallFiles: number;
  /** Size of each ingest file, in bytes. @default 50000000 (50 MB) */
  ingestFileBytes: number;
  /** Seconds autocannon polls each variant per round. @default 4 */
  statusSeconds: number;
  /** Concurrent autocannon connections. @default 50 */
  statusConnections: number;
  /** Files, and batches they are spread over, in the queue throughput figure. @default 2000, 40 */
  queueFiles: number;
  queueBatches: number;
  /** Files per queue run on the MongoDB wire test server (50 per batch); a real MONGODB_URI takes the full workload. @default 100 */
  mongoTestServerFiles: number;
  /** Files and per-file wait of the worker speed-up figure. @default 100, 100 */
  speedupFiles: number;
  speedupDelayMs: number;
  /** Documents of the generated corpus the documents figure reads (each as a digital PDF and a scan). @default 200 */
  corpusDocuments: number;
  /** Variables that moved a setting off its default: figures of such a run are not the recorded ones. */
  changed: string[];
  /** Where the figures are written: `BENCH_OUT`, else bench/results.json for a run with default settings only. */
  out: string | null;
}

/**
 * Reads the settings. `BENCH_RUNS` sets the rounds of every figure at once;
 * `BENCH_INGEST_RUNS` and `BENCH_SPEEDUP_RUNS` then override it for the two slow ones.
 * Module ids given as command-line `args` take the place of `BENCH_ONLY`.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv, defaultOut: string, args: readonly string[] = []): BenchSettings {
  const changed: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = readInt(env, name, fallback, min, max);
    if (value !== fallback) changed.push(name);
    return value;
  };
  const given = env.BENCH_RUNS?.trim() ? int('BENCH_RUNS', 5, 1, 50) : null;
  const runs = given ?? 5;
  const settings = {
    only: (args.length > 0 ? args.join(',') : (env.BENCH_ONLY ?? ''))
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    ingestRuns: int('BENCH_INGEST_RUNS', given ?? 3, 1, 50),
    speedupRuns: int('BENCH_SPEEDUP_RUNS', given ?? 3, 1, 50),
    runs,
    ingestFiles: int('BENCH_INGEST_FILES', 50, 1, 50),
    ingestSmallFiles: int('BENCH_INGEST_SMALL_FILES', 5, 1, 50),
    ingestFileBytes: int('BENCH_INGEST_FILE_BYTES', 50_000_000, 100_000, 52_428_800),
    statusSeconds: int('BENCH_STATUS_SECONDS', 4, 1, 60),
    statusConnections: int('BENCH_CONNECTIONS', 50, 1, 1_000),
    queueFiles: int('BENCH_QUEUE_FILES', 2_000, 10, 100_000),
    queueBatches: int('BENCH_QUEUE_BATCHES', 40, 1, 2_000),
    mongoTestServerFiles: int('BENCH_MONGO_TEST_SERVER_FILES', 100, 10, 100_000),
    speedupFiles: int('BENCH_SPEEDUP_FILES', 100, 8, 10_000),
    speedupDelayMs: int('BENCH_SPEEDUP_DELAY_MS', 100, 10, 10_000),
    corpusDocuments: int('BENCH_CORPUS_DOCUMENTS', 200, 5, 5_000),
  };
  const out = env.BENCH_OUT?.trim() || (changed.length === 0 ? defaultOut : null);
  return { ...settings, changed, out };
}

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got "${text}".`);
  }
  return value;
}
