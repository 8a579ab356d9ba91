import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliArgs } from './cli-args.js';

/**
 * What an unfinished import leaves on disk so that the same command run again goes on
 * where it stopped. Holds no file names, paths, patient ids or document content: files are
 * known by {@link fileKey} (a hash), batches by their ids, tus uploads by their URLs.
 */
export interface ImportState {
  version: 1;
  /** Per batch of the import (in the order the CLI splits the files), the batch and the keys of the files it holds, in the order they arrived. */
  batches: Array<{
    id: string;
    arrived: string[];
    /** Keys of files that arrived in an earlier batch of these files, which took no more files when the import went on. */
    earlier?: string[];
  }>;
  /** Per file key, the URL of its tus upload while it is unfinished. */
  tus: Record<string, string>;
}

/**
 * The folder of import state: `BATCH_UPLOAD_STATE_DIR`, else `$XDG_STATE_HOME/batch-uploader`,
 * else the platform's per-user state folder (`~/.local/state/batch-uploader` on Linux).
 */
export function stateDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.BATCH_UPLOAD_STATE_DIR) return resolve(env.BATCH_UPLOAD_STATE_DIR);
  if (env.XDG_STATE_HOME) return join(resolve(env.XDG_STATE_HOME), 'batch-uploader');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'batch-uploader', 'state');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'batch-uploader');
  return join(homedir(), '.local', 'state', 'batch-uploader');
}

/**
 * The state file of one import: named by a hash of what makes it the same import (server,
 * workspace path, fields, the folders as resolved), so another command never takes it up,
 * and nothing of the arguments can be read from the name.
 */
export function stateFile(dir: string, args: CliArgs): string {
  const same = JSON.stringify({
    endpoint: args.endpoint.replace(/\/+$/, ''),
    fields: [args.patientId, args.templateId, args.encounterId, args.priority],
    paths: args.paths.map((p) => resolve(p)).sort(),
  });
  return join(dir, `import-${sha256(same).slice(0, 32)}.json`);
}

/** A file's key in the state: a hash of its absolute path, size and modification time (a changed file is sent again). */
export function fileKey(path: string, size: number, mtimeMs: number): string {
  return sha256(`${resolve(path)}\0${size}\0${Math.trunc(mtimeMs)}`).slice(0, 32);
}

/** The state of an unfinished import, or null when there is none (or it cannot be read, so the import starts afresh). */
export function loadState(file: string): ImportState | null {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<ImportState>;
    if (state.version !== 1 || !Array.isArray(state.batches) || typeof state.tus !== 'object' || state.tus === null) return null;
    return state as ImportState;
  } catch {
    return null;
  }
}

/**
 * Writes the state at once and whole (a new file renamed over the old), readable by the
 * user alone: a process killed at any moment leaves the last state or the one before.
 * Synchronous so that a step recorded is on disk before the next request goes.
 */
export function saveState(file: string, state: ImportState): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const next = `${file}.${process.pid}.tmp`;
  writeFileSync(next, JSON.stringify(state), { mode: 0o600 });
  renameSync(next, file);
}

/** Removes the state of an import that finished (or is started again with `--restart`). */
export function removeState(file: string): void {
  rmSync(file, { force: true });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
