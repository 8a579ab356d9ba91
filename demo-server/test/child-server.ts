import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@batch-uploader/test-support/wait';

/** The built entry of `npm start`. */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A demo server running as a separate process. */
export interface Child {
  process: ChildProcess;
  /** The API's base URL; empty for a `ROLE=worker` process, which serves none. */
  api: string;
  /** The process's base URL (`/health` is under it). */
  url: string;
  /** Everything the process logged. */
  output: () => string;
}

/**
 * Starts `npm start`'s entry as a separate process and waits for its "listening" line.
 * A MONGODB_URI of the test run is not inherited: a child uses MongoDB only when `env` says so.
 */
export async function startChild(env: Record<string, string>): Promise<Child> {
  const { MONGODB_URI: _notInherited, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN], {
    env: { ...inherited, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const listening = await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    const line = output.split('\n').find((l) => l.includes('"msg":"listening"'));
    return line ? (JSON.parse(line) as { api?: string; url: string }) : null;
  }, 20_000);
  return { process: child, api: listening.api ?? '', url: listening.url, output: () => output };
}

/** SIGKILLs a child (no shutdown code runs) and waits until it is gone. */
export function killHard(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

/** SIGTERMs a child (clean shutdown) and waits until it is gone. */
export function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}
