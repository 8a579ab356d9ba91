import { randomUUID } from 'node:crypto';
import { copyFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchEngine, type NewFile } from '@batch-uploader/server';
import { createInspectProcessor } from '@batch-uploader/server/inspect';
import { alternate } from '../lib/alternate.js';
import { withScope, type Scope } from '../lib/cleanup.js';
import type { BenchModule, Figure } from '../lib/figure.js';
import { letterPdf } from '../lib/letters.js';
import { readProcessCpuMs } from '../lib/proc-stats.js';
import { embeddedStores } from '../lib/queue-stores.js';
import { median, range, round } from '../lib/stats.js';
import { makeTempDir } from '../lib/temp-dir.js';

/** Letters per round, their pages, and files per batch. */
const FILES = 60;
const PAGES = 2;
const PER_BATCH = 20;

/** One measured run: wall time and the CPU time of this process and its parser processes. */
interface ProcessingRun {
  pagesPerSecond: number;
  cpuMsPerPage: number;
}

/**
 * Processing throughput of the built-in processor (`createInspectProcessor`, what the
 * demo server runs unless `PROCESSOR_URL` is set) on digital, text-layer PDFs: two-page
 * typed letters, through the real BatchEngine on the embedded store with their bytes in
 * the blob store, at concurrency 1 (one parser process) and 2 (two), alternating.
 * The CPU figure adds the parser processes' CPU time to the engine's, so pages per
 * core-second does not depend on what else the machine runs. docs/scaling.md turns
 * these into workers per site.
 */
export const processing: BenchModule = {
  id: 'processing',
  keys: [
    'processing_text_pdf_pages_per_second_1_worker',
    'processing_text_pdf_pages_per_second_2_workers',
    'processing_text_pdf_cpu_ms_per_page',
    'processing_text_pdf_pages_per_core_second',
  ],
  run: ({ settings, progress }) =>
    withScope(async (scope) => {
      const runs = Math.min(settings.runs, 3);
      const letters = await writeLetters(scope);
      progress(`processing: ${runs} rounds of ${FILES} text-layer PDFs × ${PAGES} pages, inspect processor, concurrency 1 and 2`);
      const cpu: number[] = [];
      const measure = (concurrency: number) => async () => {
        const run = await withScope((inner) => processLetters(inner, letters, concurrency));
        if (concurrency === 1) cpu.push(run.cpuMsPerPage);
        return run.pagesPerSecond;
      };
      const samples = await alternate(runs, { one: measure(1), two: measure(2) }, (name, index, value) =>
        progress(`  round ${index + 1} ${name}: ${value.toFixed(1)} pages/s`),
      );
      const spread = (values: number[], digits: number) =>
        range(values)
          .map((v) => v.toFixed(digits))
          .join('–');
      const workload = `${FILES} typed letters × ${PAGES} pages (pdf-lib text), inspect processor`;
      const cpuMs = median(cpu);
      const figures: Figure[] = [
        {
          key: 'processing_text_pdf_pages_per_second_1_worker',
          value: round(median(samples.one), 1),
          unit: 'pages/s',
          detail: `${workload}, concurrency 1 (one parser process), wall time, median of ${runs} (range ${spread(samples.one, 1)})`,
        },
        {
          key: 'processing_text_pdf_pages_per_second_2_workers',
          value: round(median(samples.two), 1),
          unit: 'pages/s',
          detail: `same, concurrency 2 (two parser processes), median of ${runs} (range ${spread(samples.two, 1)})`,
        },
        {
          key: 'processing_text_pdf_cpu_ms_per_page',
          value: round(cpuMs, 2),
          unit: 'ms',
          detail: `CPU time per page at concurrency 1: engine and store in the bench process plus the parser process, median of ${runs} (range ${spread(cpu, 2)})`,
        },
        {
          key: 'processing_text_pdf_pages_per_core_second',
          value: round(1000 / cpuMs, 1),
          unit: 'pages/s',
          detail: `1000 ÷ processing_text_pdf_cpu_ms_per_page: what one fully busy core processes`,
        },
      ];
      return figures;
    }),
};

/** Writes the letters once; each run copies them, since the blob store takes its files over. */
async function writeLetters(scope: Scope): Promise<{ path: string; size: number }[]> {
  const dir = await makeTempDir(scope, 'letters');
  const letters = [];
  for (let i = 0; i < FILES; i++) {
    const bytes = await letterPdf(PAGES, i);
    const path = join(dir, `letter-${i}.pdf`);
    await writeFile(path, bytes, { mode: 0o600 });
    letters.push({ path, size: bytes.length });
  }
  return letters;
}

async function processLetters(scope: Scope, letters: { path: string; size: number }[], concurrency: number): Promise<ProcessingRun> {
  const stores = await embeddedStores.open(scope);
  scope.defer('processing stores', () => stores.close());
  const copies = await makeTempDir(scope, 'letter-copies');
  const processor = createInspectProcessor({ maxWorkers: concurrency });
  const engine = new BatchEngine({ store: stores.store, blobs: stores.blobs, processor, concurrency, pollIntervalMs: 50 });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await engine.close();
    await processor.close();
  };
  scope.defer('processing engine', close);
  await engine.start();

  const incoming = async (group: { path: string; size: number }[]) =>
    Promise.all(
      group.map(async (letter, position) => {
        const id = randomUUID().replaceAll('-', '');
        const path = join(copies, id);
        await copyFile(letter.path, path);
        return { record: newFile(id, position, letter.size), path };
      }),
    );
  const runBatches = async (groups: { path: string; size: number }[][]) => {
    const files = await Promise.all(groups.map(incoming));
    const pending = new Set<string>();
    const done = new Promise<void>((resolve) => {
      const unsubscribe = engine.events.subscribeAll((change) => {
        if (!change.finished) return;
        pending.delete(change.batch_id);
        if (pending.size === 0) (unsubscribe(), resolve());
      });
    });
    const ids: string[] = [];
    for (const group of files) {
      const batch = await engine.createBatch({ workspace_id: 'bench', priority: 'normal', patient_id: null, template_id: null, encounter_id: null }, group);
      pending.add(batch.id);
      ids.push(batch.id);
    }
    await done;
    // A figure of failures would be no processing figure: every letter must have completed.
    for (const [index, id] of ids.entries()) {
      const counts = (await stores.store.records.getBatchSummary('bench', id))?.counts;
      if (counts?.completed !== files[index]!.length) throw new Error(`letters did not all complete: ${JSON.stringify(counts)}`);
    }
    return files.flat().length;
  };

  // Warm-up: the parser processes start and load pdfjs before the clock runs.
  await runBatches([letters.slice(0, concurrency * 2)]);
  const groups: { path: string; size: number }[][] = [];
  for (let i = 0; i < letters.length; i += PER_BATCH) groups.push(letters.slice(i, i + PER_BATCH));
  const cpuBefore = (await childrenCpuMs()) + selfCpuMs();
  const started = performance.now();
  const processed = await runBatches(groups);
  const ms = performance.now() - started;
  const cpuMs = (await childrenCpuMs()) + selfCpuMs() - cpuBefore;
  await close();
  const pages = processed * PAGES;
  return { pagesPerSecond: pages / (ms / 1000), cpuMsPerPage: cpuMs / pages };
}

function selfCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU time of this process's live child processes (the parser pool), from /proc (Linux). */
async function childrenCpuMs(): Promise<number> {
  let total = 0;
  for (const task of await readdir('/proc/self/task')) {
    const children = (await readFile(`/proc/self/task/${task}/children`, 'utf8')).trim();
    for (const pid of children ? children.split(/\s+/) : []) total += await readProcessCpuMs(Number(pid)).catch(() => 0);
  }
  return total;
}

function newFile(id: string, position: number, size: number): NewFile {
  return {
    id,
    position,
    filename: `letter-${position + 1}.pdf`,
    size,
    declared_type: 'application/pdf',
    detected_type: 'application/pdf',
    blob_key: id,
    status: 'pending',
    error: null,
  };
}
