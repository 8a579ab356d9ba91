import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

// The quarantine folder and the sweeps of it, apart from the multer storage that fills
// it, so that the public sweep functions' types need neither multer's nor Express's.

/** The ending of every quarantined file's name. */
export const SUFFIX = '.upload';

/**
 * Quarantined files this process holds: a request is still streaming them, or its
 * handler has not moved or discarded them yet. Sweeps never remove them.
 */
export const held = new Set<string>();

/** Creates the quarantine folder, readable by this user only. */
export async function prepareQuarantine(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * Removes uploads that no request holds any more: left behind by a process that died
 * mid-request (`kill -9`, power loss), or by a fault. Files this process holds are never
 * removed; of the others, only files untouched for `idleMs` go, so that an upload
 * another process sharing the folder is receiving is spared (its bytes keep arriving,
 * and a process running {@link QuarantineSweeper} touches the files it holds).
 * Resolves with the count removed.
 */
export async function sweepQuarantine(dir: string, idleMs = 60_000): Promise<number> {
  let removed = 0;
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith(SUFFIX)) continue;
    const path = resolve(dir, name);
    if (held.has(path)) continue;
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs >= idleMs && !held.has(path)) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Sets the modification time of every file this process holds in `dir` to now, so
 * that sweeps of other processes sharing the folder see them in use, however long
 * their request lasts.
 */
export async function touchHeld(dir: string): Promise<void> {
  const folder = resolve(dir);
  const now = new Date();
  for (const path of [...held]) {
    if (dirname(path) === folder) await utimes(path, now, now).catch(() => {});
  }
}

/** Deletes a quarantined file; an absent one is fine. */
export async function discard(path: string): Promise<void> {
  held.delete(path);
  await rm(path, { force: true });
}
