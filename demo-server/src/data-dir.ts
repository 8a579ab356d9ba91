import { chmod, lstat, mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from './config.js';

/** The SQLite file of the embedded store, under `DATA_DIR`. */
export const SQLITE_FILE = 'batches.sqlite';
/** Stored file bytes of the embedded store, under `DATA_DIR`. */
export const FILES_DIR = 'files';
/** Uploads while they stream in (the quarantine), under `DATA_DIR`. */
export const UPLOADS_DIR = 'uploads';
/** Resumable (tus) uploads until their last byte arrives. */
export const RESUMABLE_DIR = 'resumable';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * Makes `DATA_DIR` private to the user the server runs as, whether it is new or was
 * made beforehand (by an operator, an image, an older version): the folder and its
 * sub-folders 0700, every file 0600, including SQLite's `-wal` and `-shm` and stored
 * bytes. Only what the server keeps there is touched (the SQLite files, `files/`,
 * `uploads/`), so a `DATA_DIR` pointed at a shared folder by mistake is not rewritten.
 * The SQLite file is created empty, 0600, before SQLite opens it: SQLite gives the
 * journal files it creates later the mode of the database file.
 */
export async function makeDataDirPrivate(dataDir: string, options: { sqlite: boolean }): Promise<void> {
  try {
    await makePrivateTree(dataDir, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES' && code !== 'EROFS') throw error;
    throw new ConfigError(
      `DATA_DIR (${dataDir}) cannot be made private to this user (${code}): run the server as the owner of the folder and its files, or point DATA_DIR at a folder of its own.`,
    );
  }
}

async function makePrivateTree(dataDir: string, options: { sqlite: boolean }): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR });
  await chmod(dataDir, PRIVATE_DIR);
  if (options.sqlite) {
    const database = join(dataDir, SQLITE_FILE);
    // 'a' creates the file when missing and never truncates an existing one.
    await (await open(database, 'a', PRIVATE_FILE)).close();
    for (const suffix of ['', '-wal', '-shm', '-journal']) await makePrivate(database + suffix);
  }
  for (const dir of [FILES_DIR, UPLOADS_DIR, RESUMABLE_DIR]) await makePrivate(join(dataDir, dir));
}

/** Sets 0700 on a folder (and everything in it), 0600 on a file; leaves links and missing paths alone. */
async function makePrivate(path: string): Promise<void> {
  // A file may go while this runs (an upload finishing, another process's sweep).
  const info = await lstat(path).catch(missing);
  if (!info || info.isSymbolicLink()) return;
  const wanted = info.isDirectory() ? PRIVATE_DIR : PRIVATE_FILE;
  if ((info.mode & 0o777) !== wanted) await chmod(path, wanted).catch(missing);
  if (info.isDirectory()) {
    for (const name of (await readdir(path).catch(missing)) ?? []) await makePrivate(join(path, name));
  }
}

function missing(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}
