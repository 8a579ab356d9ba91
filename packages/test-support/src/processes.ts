import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** How a process run by {@link runScript} ended, and everything it wrote. */
export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Resolved here: a process run in another working folder (a temporary one) would not find it.
const TSX = import.meta.resolve('tsx');

/**
 * Runs a TypeScript entry point (through tsx) as a process of its own, to its end; `env`
 * adds to this process's environment, `cwd` is its working folder (default: this one's).
 */
export function runScript(path: string, args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, path, ...args], {
      ...(cwd ? { cwd } : {}),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A TCP port of 127.0.0.1 that nothing listens on (one just given back). */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
