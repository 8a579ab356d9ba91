import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetDir, trackDir, type Scope } from './cleanup.js';

/** Where temporary folders go: `BENCH_TMPDIR`, else the system's. */
export function tempRoot(): string {
  return process.env.BENCH_TMPDIR?.trim() || tmpdir();
}

/** A fresh private folder, removed when `scope` closes (or the bench exits). */
export async function makeTempDir(scope: Scope, purpose: string): Promise<string> {
  const dir = await mkdtemp(join(tempRoot(), `batch-uploader-bench-${purpose}-`));
  trackDir(dir);
  scope.defer(`temporary folder ${dir}`, () => removeDir(dir));
  return dir;
}

/** Removes a folder made by {@link makeTempDir} now (removing it again later is harmless). */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  forgetDir(dir);
}
