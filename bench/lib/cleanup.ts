import { rmSync } from 'node:fs';

/**
 * Resources a benchmark holds (child processes, temporary folders), released in reverse
 * order by `close()` — also when the benchmark throws. A scope never throws from
 * `close()`: a failing release is reported, and the others still run.
 */
export class Scope {
  readonly #releases: { label: string; release: () => Promise<void> }[] = [];
  #closed = false;

  /** Registers `release` to run on `close()`, before everything registered earlier. */
  defer(label: string, release: () => Promise<void>): void {
    if (this.#closed) throw new Error(`Scope: "${label}" was registered after the scope closed.`);
    this.#releases.push({ label, release });
  }

  /** Releases everything, newest first. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const { label, release } of this.#releases.splice(0).reverse()) {
      try {
        await release();
      } catch (error) {
        console.error(`bench: releasing ${label} failed:`, error);
      }
    }
  }
}

/** Runs `body` with a fresh scope and closes the scope whatever happens. */
export async function withScope<T>(body: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope();
  openScopes.add(scope);
  try {
    return await body(scope);
  } finally {
    await scope.close();
    openScopes.delete(scope);
  }
}

// Last line of defence, for when the bench is interrupted or exits mid-figure: what is
// still alive here is released synchronously on exit (an 'exit' handler cannot await).
const openScopes = new Set<Scope>();
const livePids = new Set<number>();
const liveDirs = new Set<string>();

/** Tracks a child process until {@link forgetPid}; it is SIGKILLed if the bench exits first. */
export function trackPid(pid: number): void {
  livePids.add(pid);
}

/** The child process exited on its own or was stopped. */
export function forgetPid(pid: number): void {
  livePids.delete(pid);
}

/** Tracks a temporary folder until {@link forgetDir}; it is removed if the bench exits first. */
export function trackDir(dir: string): void {
  liveDirs.add(dir);
}

/** The folder was removed. */
export function forgetDir(dir: string): void {
  liveDirs.delete(dir);
}

let installed = false;
let interrupted = false;

/** True once SIGINT or SIGTERM arrived: start nothing new. */
export function isInterrupted(): boolean {
  return interrupted;
}

/**
 * On SIGINT / SIGTERM, closes every open scope (graceful: children get SIGTERM, folders are
 * removed) and exits; on any exit, kills and removes what is still tracked.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const pid of livePids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\nbench: ${signal}, cleaning up…`);
    // Bounded: whatever has not closed in 15 s is killed by the exit handler.
    const force = setTimeout(() => process.exit(130), 15_000);
    void Promise.allSettled([...openScopes].map((scope) => scope.close())).then(() => {
      clearTimeout(force);
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
