import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A path given on the command line that could not be used. */
export interface PathProblem {
  path: string;
  reason: 'not-found' | 'not-a-file' | 'unreadable';
}

/** Files found below the given paths, and the paths that could not be used. */
export interface ExpandedPaths {
  /** Absolute file paths, folders expanded recursively, each once, in a stable order. */
  files: string[];
  problems: PathProblem[];
}

/**
 * Expands files and folders into a flat list of files: folders recursively, hidden
 * entries (dot files such as `.DS_Store`) skipped, symlinked folders not followed.
 */
export async function expandPaths(paths: readonly string[]): Promise<ExpandedPaths> {
  const files: string[] = [];
  const problems: PathProblem[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(file)) {
      seen.add(file);
      files.push(file);
    }
  };

  for (const given of paths) {
    const path = resolve(given);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      problems.push({ path: given, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'unreadable' });
      continue;
    }
    if (info.isFile()) {
      add(path);
    } else if (info.isDirectory()) {
      try {
        for (const file of await walk(path)) add(file);
      } catch {
        problems.push({ path: given, reason: 'unreadable' });
      }
    } else {
      problems.push({ path: given, reason: 'not-a-file' });
    }
  }
  return { files, problems };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
