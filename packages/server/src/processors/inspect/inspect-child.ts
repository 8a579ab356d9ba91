import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InspectionResult } from '@batch-uploader/protocol';
import type { DecodeBudget } from './budgets.js';
import { fileError } from './file-error.js';
import type { InspectReply, InspectRequest, ReadRequest } from './worker-messages.js';
import { deserializeError } from './worker-messages.js';

/** One inspection as a parser process runs it. */
export interface InspectJob {
  /** Most characters of PDF text returned. */
  maxTextChars: number;
  /** Decoding budgets; a file over one fails with `TOO_COMPLEX`. */
  budget: DecodeBudget;
  /** Parse time after which the process is killed and the file fails with `PROCESSING_TIMEOUT`. */
  timeoutMs: number;
  /** Kills the process and rejects with the signal's reason. */
  signal: AbortSignal;
  /** Read the document's text, type and fields too (`result.document`). */
  read?: ReadRequest;
}

/** How a parser process is started. */
export interface InspectChildOptions {
  /** Its memory limit in MiB (RLIMIT_DATA on Linux, and the V8 heap). */
  memoryLimitMb: number;
}

interface Pending {
  resolve(result: InspectionResult): void;
  reject(error: unknown): void;
}

// '.js' when running from dist, '.ts' when running from source under tsx.
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url));
const MAIN = fileURLToPath(new URL(`./inspect-child-main${OWN_EXTENSION}`, import.meta.url));
// How often a working process's memory is read, and the share of its limit at which it
// is stopped: a process whose allocations are being refused may crash without a word
// (V8 under RLIMIT_DATA dies of SIGSEGV) or spend long in garbage collection first.
const WATCH_INTERVAL_MS = 50;
const BREACH_SHARE = 0.95;

/**
 * A child process that inspects one document at a time, with its memory capped by the
 * OS: on Linux its data segment (RLIMIT_DATA, set with `ulimit -d` by the shell that
 * starts it), which since Linux 4.7 counts every private writable mapping — V8's heap,
 * array buffers, native allocations of libvips and zlib — and not the address space V8
 * only reserves. A refused allocation either fails the file as `TOO_COMPLEX` in the
 * process (which then exits) or kills the process; both end here as `TOO_COMPLEX`. The
 * server also reads the process's data size while it works and kills it near the limit.
 * A timeout or an abort kills the process; a dead process is gone for good (`alive`
 * turns false) and `onGone` is called once.
 */
export class InspectChild {
  /** Settles when the process has loaded its parsers; rejects if it failed to start. */
  readonly ready: Promise<void>;
  readonly #child: ChildProcess;
  readonly #onGone: (child: InspectChild) => void;
  #alive = true;
  #pending: Pending | null = null;
  #markReady: () => void = () => {};
  #failStart: (error: Error) => void = () => {};
  #exited: Promise<void>;
  readonly #limitKb: number;
  #breached = false;

  constructor(options: InspectChildOptions, onGone: (child: InspectChild) => void) {
    this.#onGone = onGone;
    this.#limitKb = options.memoryLimitMb * 1024;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve;
      this.#failStart = reject;
    });
    // Nobody may be waiting when a process dies before its first job.
    this.ready.catch(() => {});
    this.#child = startChild(options);
    this.#child.on('message', (reply: InspectReply) => this.#receive(reply));
    // A failed spawn is followed by no exit event.
    this.#exited = new Promise<void>((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.once('error', () => resolve());
    });
    void this.#exited.then(() => this.#gone());
  }

  /** False once the process was killed or died. */
  get alive(): boolean {
    return this.#alive;
  }

  /** The process id, while it runs. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Inspects `bytes` in the process (they are copied to it). */
  async inspect(bytes: Uint8Array, job: InspectJob): Promise<InspectionResult> {
    await untilAborted(this.ready, job.signal);
    if (!this.#alive || this.#pending) throw new Error('The document parser process is not available.');
    return new Promise<InspectionResult>((resolve, reject) => {
      const { signal } = job;
      const end = (): void => {
        clearTimeout(timer);
        clearInterval(watch);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => this.#stop(signal.reason);
      const timer = setTimeout(() => this.#stop(fileError('PROCESSING_TIMEOUT')), job.timeoutMs);
      const watch = setInterval(() => void this.#watchMemory(), WATCH_INTERVAL_MS);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#pending = {
        resolve: (result) => (end(), resolve(result)),
        reject: (error) => (end(), reject(error)),
      };
      const request: InspectRequest = { bytes, maxTextChars: job.maxTextChars, budget: job.budget, ...(job.read ? { read: job.read } : {}) };
      this.#child.send(request, (error) => {
        if (error) this.#settle((pending) => pending.reject(error));
      });
    });
  }

  /** Lets the server exit while this process idles. */
  unref(): void {
    this.#child.unref();
    this.#child.channel?.unref();
  }

  /** Keeps the server alive while this process works. */
  ref(): void {
    this.#child.ref();
    this.#child.channel?.ref();
  }

  /** Kills the process; a job in progress fails as transient. */
  async terminate(): Promise<void> {
    this.#alive = false;
    // An idle process is unreferenced: wait for its exit all the same.
    this.#child.ref();
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  // Linux: the data segment RLIMIT_DATA counts. Elsewhere there is no /proc, and no watch.
  async #watchMemory(): Promise<void> {
    const status = await readFile(`/proc/${this.#child.pid}/status`, 'latin1').catch(() => '');
    const dataKb = Number(/^VmData:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
    if (dataKb < this.#limitKb * BREACH_SHARE || !this.#pending || this.#breached) return;
    this.#breached = true;
    this.#stop(fileError('TOO_COMPLEX'));
  }

  #receive(reply: InspectReply): void {
    if (reply.type === 'ready') this.#markReady();
    else if (reply.type === 'done') this.#settle((p) => p.resolve(reply.result));
    else {
      this.#settle((p) => p.reject(deserializeError(reply.error)));
      // A process that ran out of memory is replaced: what it still holds is no use.
      if (reply.error.kind === 'permanent' && reply.error.code === 'TOO_COMPLEX') void this.terminate();
    }
  }

  #settle(action: (pending: Pending) => void): void {
    const pending = this.#pending;
    this.#pending = null;
    if (pending) action(pending);
  }

  // Settles the job first, so that the exit which follows finds nothing to fail.
  #stop(error: unknown): void {
    this.#settle((pending) => pending.reject(error));
    void this.terminate();
  }

  // A job still pending here was not stopped by us (timeouts, aborts and breaches settle
  // it first). Its process died of the file — a crash, or V8 aborting or faulting when
  // the memory limit refused it more (it may not say so): the file fails for good, or
  // it would kill a process on every retry. Only a SIGKILL from outside (the kernel's
  // OOM killer when the machine itself runs short) is no fault of the file.
  #gone(): void {
    this.#alive = false;
    const { signalCode, exitCode } = this.#child;
    this.#failStart(new Error(`The document parser process did not start (${signalCode ?? `exit code ${exitCode}`}).`));
    const error = signalCode === 'SIGKILL' ? new Error('The document parser process was killed from outside.') : fileError('TOO_COMPLEX');
    this.#settle((p) => p.reject(error));
    this.#onGone(this);
  }
}

/**
 * Node 20 with `--max-old-space-size` for V8's heap, under `/bin/sh -c 'ulimit -d …'`
 * on Linux for everything else. From TypeScript source (tests), tsx is loaded as well,
 * after pdfjs: through tsx its 3 MB bundles would take seconds to load in every process.
 */
function startChild({ memoryLimitMb }: InspectChildOptions): ChildProcess {
  const node = [
    process.execPath,
    `--max-old-space-size=${memoryLimitMb}`,
    ...(OWN_EXTENSION === '.ts'
      ? [
          ...['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.mjs', 'tsx'].flatMap((specifier) => [
            '--import',
            import.meta.resolve(specifier),
          ]),
        ]
      : []),
    MAIN,
  ];
  const [command, ...args] = process.platform === 'linux' ? ['/bin/sh', '-c', 'ulimit -d "$0" && exec "$@"', String(memoryLimitMb * 1024), ...node] : node;
  // Third-party parsers may print what they parse: their output is dropped.
  return spawn(command!, args, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
}

async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
