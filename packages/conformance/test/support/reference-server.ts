/**
 * The reference server as a user runs it (`npm start`): the demo server's built entry in
 * a child process, configured by environment variables, on a free port and a private
 * data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../../demo-server/dist/main.js', import.meta.url));

/** `false` when the demo server is built, else why the tests against it skip. */
export const referenceSkip: false | string = existsSync(MAIN) ? false : 'demo-server/dist/main.js is not built (npm run build)';

export interface Reference {
  api: string;
  stop(): Promise<void>;
}

/** Starts the demo server with `env` and waits for its "listening" line. */
export async function startReference(env: Record<string, string>): Promise<Reference> {
  const dataDir = await mkdtemp(join(tmpdir(), 'conformance-ref-'));
  const { MONGODB_URI: _notInherited, API_TOKENS: _neither, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const api = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the reference server did not start:\n${output}`)), 30_000);
    const look = () => {
      const line = output.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        child.stdout!.off('data', look);
        resolve((JSON.parse(line) as { api: string }).api);
      }
    };
    child.stdout!.on('data', look);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`the reference server exited:\n${output}`));
    });
  });
  return {
    api,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
