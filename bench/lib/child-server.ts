import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { forgetPid, trackPid, type Scope } from './cleanup.js';

/** An HTTP server running as a child process of the bench. */
export interface ChildServer {
  pid: number;
  /** The `api` URL from the server's `"msg":"listening"` log line. */
  api: string;
  /** Everything the process wrote so far. */
  log(): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** How to start one. */
export interface ChildServerOptions {
  /** Arguments after `node`, e.g. the entry file. */
  args: string[];
  /** The whole environment of the child (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  /** Folder for the log file. */
  logDir: string;
  /** Short name, for the log file and errors. */
  name: string;
  /** @default 30000 */
  readyTimeoutMs?: number;
}

let started = 0;

/**
 * Starts `node <args>` and waits for its JSON `"msg":"listening"` line carrying `api`,
 * the contract of demo-server/dist/main.js that the baselines follow too.
 *
 * Output goes to a file, not a pipe: a pipe would make the bench process (which also
 * runs the load generator) read every request log line, and a full pipe would stall
 * the server.
 */
export async function startChildServer(scope: Scope, options: ChildServerOptions): Promise<ChildServer> {
  const logPath = join(options.logDir, `${options.name}-${++started}.log`);
  const fd = openSync(logPath, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, options.args, { env: options.env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: the process could not be started.`);
  trackPid(pid);
  let exited = child.exitCode !== null || child.signalCode !== null;
  const exit = once(child, 'exit').then(() => {
    exited = true;
    forgetPid(pid);
  });

  const log = () => readFile(logPath, 'utf8').catch(() => '');
  const stop = async (graceMs = 5_000): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exit;
    clearTimeout(timer);
  };
  scope.defer(`${options.name} (pid ${pid})`, () => stop());

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    const text = await log();
    const api = listeningApi(text);
    if (api) return { pid, api, log, stop };
    if (exited) throw new Error(`${options.name} exited before listening:\n${text.slice(-2_000)}`);
    if (Date.now() > deadline) throw new Error(`${options.name} did not log "listening" in time:\n${text.slice(-2_000)}`);
    await delay(25);
  }
}

function listeningApi(text: string): string | null {
  for (const line of text.split('\n')) {
    if (!line.includes('"msg":"listening"')) continue;
    try {
      const api = (JSON.parse(line) as { api?: unknown }).api;
      if (typeof api === 'string') return api;
    } catch {
      // A half-written line: read again.
    }
  }
  return null;
}
