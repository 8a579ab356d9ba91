import type { BenchSettings } from './settings.js';

/** Which way a figure is good. */
export type Better = 'higher' | 'lower';

/** The goal and the floor (the worst acceptable value) of a figure. */
export interface Target {
  goal: number;
  floor: number;
  better: Better;
}

/** One number a benchmark module produced. */
export interface Figure {
  /** Its key in bench/results.json. */
  key: string;
  value: number;
  /** Unit shown in the table, e.g. "×", "MB", "files/s". */
  unit: string;
  /** Absent for figures reported for information only. */
  target?: Target;
  /** How it was measured, in a few words, with the medians it was taken from. */
  detail: string;
}

/** What a benchmark module is given. */
export interface BenchContext {
  settings: BenchSettings;
  /** Prints a progress line (to stderr, so the table on stdout stays clean). */
  progress(message: string): void;
}

/**
 * A benchmark module: one file per figure group under bench/figures/, listed in
 * bench/run.ts. Browser and bundle figures are added later as modules of this shape.
 */
export interface BenchModule {
  /** Short id for `BENCH_ONLY`. */
  id: string;
  /** Every results.json key the module may write, so a partial run can replace exactly those. */
  keys: readonly string[];
  run(context: BenchContext): Promise<Figure[]>;
}

/** Where `value` stands against `target`. */
export function verdict(value: number, target: Target | undefined): 'goal met' | 'floor met' | 'FLOOR MISSED' | 'info' {
  if (!target) return 'info';
  const atLeast = (limit: number) => (target.better === 'higher' ? value >= limit : value <= limit);
  if (atLeast(target.goal)) return 'goal met';
  return atLeast(target.floor) ? 'floor met' : 'FLOOR MISSED';
}
