import { cpus, totalmem } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { installCleanupHandlers, isInterrupted } from './lib/cleanup.js';
import type { BenchModule, Figure } from './lib/figure.js';
import { formatTable, writeResults, type Machine } from './lib/report.js';
import { settingsFromEnv } from './lib/settings.js';
import { ingest } from './figures/ingest.js';
import { statusRps } from './figures/status-rps.js';
import { queueThroughput } from './figures/queue-throughput.js';
import { workerSpeedup } from './figures/worker-speedup.js';
import { ui } from './figures/ui.js';
import { bundleSize } from './figures/bundle-size.js';
import { bombsRss } from './figures/bombs-rss.js';
import { fairness } from './figures/fairness.js';
import { resumable } from './figures/resumable.js';
import { processing } from './figures/processing.js';
import { documents } from './figures/documents.js';

// `npm run bench`: runs every benchmark module in turn, prints a table, and writes
// bench/results.json. Modules are independent: one that fails is reported and the
// others still run (the exit code is then 1). `npm run bench -- ui bundle` runs only
// the modules named (like BENCH_ONLY=ui,bundle).
const MODULES: readonly BenchModule[] = [
  queueThroughput,
  workerSpeedup,
  processing,
  statusRps,
  ingest,
  resumable,
  bombsRss,
  fairness,
  documents,
  ui,
  bundleSize,
];

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

installCleanupHandlers();
const settings = settingsFromEnv(process.env, RESULTS, process.argv.slice(2));
const unknown = settings.only.filter((id) => !MODULES.some((m) => m.id === id));
if (unknown.length > 0) {
  console.error(`Unknown modules: ${unknown.join(', ')}; known: ${MODULES.map((m) => m.id).join(', ')}.`);
  process.exit(2);
}
const selected = MODULES.filter((m) => settings.only.length === 0 || settings.only.includes(m.id));
const machine: Machine = {
  date: new Date().toISOString(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
const progress = (message: string) => process.stderr.write(`${message}\n`);

const figures: Figure[] = [];
const ranKeys: string[] = [];
let failed = 0;
const started = performance.now();
for (const module of selected) {
  if (isInterrupted()) break;
  const moduleStarted = performance.now();
  progress(`▶ ${module.id}`);
  try {
    figures.push(...(await module.run({ settings, progress })));
    ranKeys.push(...module.keys);
  } catch (error) {
    failed++;
    // An interrupted module fails on purpose (its servers were stopped); no need to say how.
    if (!isInterrupted()) console.error(`✖ ${module.id} failed:`, error);
  }
  progress(`  (${((performance.now() - moduleStarted) / 1000).toFixed(0)} s)`);
}
if (isInterrupted()) {
  // The signal handler exits as soon as its cleanup is done; this only bounds the wait.
  await delay(20_000);
  process.exit(130);
}
progress(`all done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

process.stdout.write(formatTable(figures, machine));
if (figures.length > 0 && settings.out) {
  await writeResults(settings.out, figures, ranKeys, selected.length !== MODULES.length);
  process.stdout.write(`\nwrote ${settings.out}\n`);
} else if (figures.length > 0) {
  // The recorded figures are defined by the default workload and rounds; a quick or
  // custom run must not overwrite them unless told where to write.
  process.stdout.write(`\nnot written: ${settings.changed.join(', ')} changed the defaults (set BENCH_OUT to write the figures somewhere)\n`);
}
process.exitCode = failed > 0 ? 1 : 0;
