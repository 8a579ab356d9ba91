import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { InspectionResult } from '@batch-uploader/protocol';
import { INSPECT_DEFAULTS } from './defaults.js';
import { fileError } from './file-error.js';
import type { InspectReply, InspectRequest } from './worker-messages.js';
import { deserializeError } from './worker-messages.js';

/** One inspection as a thread runs it. */
export interface InspectJob {
  /** Most characters of PDF text returned. */
  maxTextChars: number;
  /** Parse time after which the thread is terminated and the file fails with `PROCESSING_TIMEOUT`. */
  timeoutMs: number;
  /** Terminates the thread and rejects with the signal's reason. */
  signal: AbortSignal;
}

interface Pending {
  resolve(result: InspectionResult): void;
  reject(error: unknown): void;
}

// '.js' when running from dist, '.ts' when running from source under tsx.
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKER_URL = new URL(`./inspect-worker${OWN_EXTENSION}`, import.meta.url);

/**
 * A worker thread that inspects one document at a time. A timeout or an abort terminates
 * it; a terminated or crashed thread is gone for good (`alive` turns false) and
 * `onGone` is called once.
 */
export class InspectThread {
  /** Settles when the thread has loaded its parsers; rejects if it failed to start. */
  readonly ready: Promise<void>;
  readonly #worker: Worker;
  readonly #onGone: (thread: InspectThread) => void;
  #alive = true;
  #pending: Pending | null = null;
  #markReady: () => void = () => {};
  #failStart: (error: Error) => void = () => {};
  #crash: unknown;

  constructor(onGone: (thread: InspectThread) => void) {
    this.#onGone = onGone;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve;
      this.#failStart = reject;
    });
    // Nobody may be waiting when a thread dies before its first job.
    this.ready.catch(() => {});
    this.#worker = startWorker();
    // Third-party parsers may print what they parse; nothing of a document reaches logs.
    this.#worker.stdout.resume();
    this.#worker.stderr.resume();
    this.#worker.on('message', (reply: InspectReply) => this.#receive(reply));
    this.#worker.on('messageerror', (error) => this.#settle((p) => p.reject(error)));
    this.#worker.on('error', (error) => {
      this.#crash = error;
    });
    this.#worker.on('exit', () => this.#gone());
  }

  /** False once the thread was terminated or crashed. */
  get alive(): boolean {
    return this.#alive;
  }

  /**
   * Inspects `bytes`, transferring their memory to the thread (`bytes` is unusable
   * afterwards unless it shared its memory, in which case it is copied once).
   */
  async inspect(bytes: Uint8Array, job: InspectJob): Promise<InspectionResult> {
    await untilAborted(this.ready, job.signal);
    if (!this.#alive || this.#pending) throw new Error('The document parser thread is not available.');
    return new Promise<InspectionResult>((resolve, reject) => {
      const { signal } = job;
      const end = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => this.#stop(signal.reason);
      const timer = setTimeout(() => this.#stop(fileError('PROCESSING_TIMEOUT')), job.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#pending = {
        resolve: (result) => (end(), resolve(result)),
        reject: (error) => (end(), reject(error)),
      };
      const request: InspectRequest = { bytes: transferable(bytes), maxTextChars: job.maxTextChars };
      try {
        this.#worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
      } catch (error) {
        this.#settle((pending) => pending.reject(error));
      }
    });
  }

  /** Lets the process exit while this thread idles. */
  unref(): void {
    this.#worker.unref();
  }

  /** Keeps the process alive while this thread works. */
  ref(): void {
    this.#worker.ref();
  }

  /** Stops the thread; a job in progress fails as transient. */
  async terminate(): Promise<void> {
    this.#alive = false;
    await this.#worker.terminate();
  }

  #receive(reply: InspectReply): void {
    if (reply.type === 'ready') this.#markReady();
    else if (reply.type === 'done') this.#settle((p) => p.resolve(reply.result));
    else this.#settle((p) => p.reject(deserializeError(reply.error)));
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

  #gone(): void {
    this.#alive = false;
    const error = new Error('The document parser thread stopped unexpectedly.', { cause: this.#crash });
    this.#failStart(error);
    this.#settle((p) => p.reject(error));
    this.#onGone(this);
  }
}

function startWorker(): Worker {
  const options: WorkerOptions = {
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: INSPECT_DEFAULTS.workerHeapMb },
  };
  if (OWN_EXTENSION !== '.ts') return new Worker(WORKER_URL, options);
  return new Worker(sourceBootstrap(), { ...options, eval: true });
}

/**
 * Node 20 does not hand loader hooks (tsx) on to worker threads, so from TypeScript source
 * the thread registers tsx itself. pdfjs is loaded first, natively: through tsx its 3 MB
 * bundles would take seconds to load in every new thread.
 */
function sourceBootstrap(): string {
  const preload = ['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.mjs'].map((specifier) =>
    import.meta.resolve(specifier),
  );
  const tsx = import.meta.resolve('tsx/esm/api');
  return [
    `Promise.all(${JSON.stringify(preload)}.map((url) => import(url)))`,
    `.then(() => import(${JSON.stringify(tsx)}))`,
    `.then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`,
  ].join('\n');
}

// A Buffer may be a view into memory it shares with others (Node's pool for small
// buffers); only memory it owns alone may be transferred.
function transferable(bytes: Uint8Array): Uint8Array {
  const owns = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return owns ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes);
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
