import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { verdict, type Figure, type Target } from './figure.js';

/** The machine a run happened on, for the record. */
export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
}

/** The readable table the run prints. */
export function formatTable(figures: readonly Figure[], machine: Machine): string {
  const header = ['figure', 'value', 'goal', 'floor', 'verdict', 'how'];
  const rows = figures.map((f) => [
    f.key,
    `${formatNumber(f.value)} ${f.unit}`,
    bound(f.target, 'goal'),
    bound(f.target, 'floor'),
    verdict(f.value, f.target),
    f.detail,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    `batch-uploader benchmarks — ${machine.date}, ${machine.platform}, ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ].join('\n');
}

/**
 * Writes the figures to `path` as one flat object of numbers. A partial run (BENCH_ONLY)
 * replaces only the keys of the modules it ran and keeps the others.
 */
export async function writeResults(path: string, figures: readonly Figure[], replacedKeys: readonly string[], partial: boolean): Promise<void> {
  let results: Record<string, number> = {};
  if (partial && existsSync(path)) {
    results = JSON.parse(await readFile(path, 'utf8')) as Record<string, number>;
    for (const key of replacedKeys) delete results[key];
  }
  for (const figure of figures) results[figure.key] = figure.value;
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}

function bound(target: Target | undefined, which: 'goal' | 'floor'): string {
  if (!target) return '';
  return `${target.better === 'higher' ? '≥' : '≤'} ${formatNumber(target[which])}`;
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 1_000 ? Math.round(value).toLocaleString('en-US') : String(value);
}
