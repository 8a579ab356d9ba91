import type { InspectionResult } from '@batch-uploader/protocol';
import type { ProcessorContext, ProcessorFile } from '../processor.js';
import type { DecodeBudget } from './budgets.js';
import { INSPECT_DEFAULTS } from './defaults.js';
import { InspectPool } from './inspect-pool.js';
import { INSPECT_FEATURE, INSPECT_PEERS } from './inspect-peers.js';
import { assertPeersInstalled } from '../../shared/peer-dependency.js';
import type { ReadRequest } from './worker-messages.js';

/** Options of {@link createInspectProcessor}. */
export interface InspectProcessorOptions {
  /**
   * Longest one document may take to parse; then its parser process is killed and the
   * file fails with `PROCESSING_TIMEOUT`. Time spent waiting for a free process does not count.
   * @default 30000
   */
  timeoutMs?: number;
  /** Most characters of PDF text in a result; 0 returns none. @default 2000 */
  maxTextChars?: number;
  /**
   * Parser processes run at once; more files wait for a free one, served by turns of
   * their workspace (the workspace with the fewest files being parsed first).
   * @default min(3, available CPUs)
   */
  maxWorkers?: number;
  /**
   * Memory one parser process may hold, in MiB, capped by the OS (RLIMIT_DATA on Linux):
   * a file that needs more fails with `TOO_COMPLEX` and the process is replaced. The
   * inspector's memory is then at most about `maxWorkers` × (this + 100 MiB of code).
   * @default 512
   */
  memoryLimitMb?: number;
  /** Largest image page in pixels; a larger one fails with `TOO_COMPLEX` before decoding. @default 100000000 */
  maxImagePixels?: number;
  /** Most pixels of an image's decoded pages together; more fails with `TOO_COMPLEX`. @default 500000000 */
  maxImageTotalPixels?: number;
  /** Pages of a multi-page image that are decoded; later ones are counted, not checked. @default 100 */
  maxImagePages?: number;
  /**
   * Most bytes a PDF's streams other than images may inflate to, all together (through
   * every Flate filter of a stream); more fails with `TOO_COMPLEX`. @default 134217728 (128 MiB)
   */
  maxPdfStreamBytes?: number;
}

/**
 * The default processor: resolves to the {@link InspectionResult} of a file, parsed in
 * a parser process. Call `close()` when done with it to stop its processes.
 */
export type InspectProcessor = ((file: ProcessorFile, context: ProcessorContext) => Promise<InspectionResult>) & {
  /** Stops the parser processes; calls made afterwards fail. */
  close(): Promise<void>;
};

/**
 * Creates the default processor, which inspects documents for real in a small pool of
 * child processes whose memory the OS caps, so that one hostile file can neither stall
 * the server nor take its memory.
 * @example const processor = createInspectProcessor({ timeoutMs: 10_000 });
 */
export function createInspectProcessor(options: InspectProcessorOptions = {}): InspectProcessor {
  // The parsers load in child processes; a missing one is named here, not as a crash there.
  assertPeersInstalled(INSPECT_FEATURE, ...INSPECT_PEERS);
  return createParserProcessor(options, () => undefined);
}

/**
 * A processor that runs jobs in a pool of memory-capped parser processes: the inspector,
 * and with `readFor` giving a read request, the documents processor. Internal.
 */
export function createParserProcessor<Result extends InspectionResult>(
  options: InspectProcessorOptions,
  readFor: (context: ProcessorContext) => ReadRequest | undefined,
): ((file: ProcessorFile, context: ProcessorContext) => Promise<Result>) & { close(): Promise<void> } {
  const timeoutMs = option(options, 'timeoutMs', INSPECT_DEFAULTS.timeoutMs, 1, 2 ** 31 - 1);
  const maxTextChars = option(options, 'maxTextChars', INSPECT_DEFAULTS.maxTextChars, 0, 1_000_000);
  const maxWorkers = option(options, 'maxWorkers', INSPECT_DEFAULTS.maxWorkers, 1, 64);
  const memoryLimitMb = option(options, 'memoryLimitMb', INSPECT_DEFAULTS.memoryLimitMb, 256, 1_048_576);
  const budget: DecodeBudget = {
    maxImagePixels: option(options, 'maxImagePixels', INSPECT_DEFAULTS.maxImagePixels, 1, Number.MAX_SAFE_INTEGER),
    maxImageTotalPixels: option(options, 'maxImageTotalPixels', INSPECT_DEFAULTS.maxImageTotalPixels, 1, Number.MAX_SAFE_INTEGER),
    maxImagePages: option(options, 'maxImagePages', INSPECT_DEFAULTS.maxImagePages, 1, 100_000),
    maxPdfStreamBytes: option(options, 'maxPdfStreamBytes', INSPECT_DEFAULTS.maxPdfStreamBytes, 1, Number.MAX_SAFE_INTEGER),
  };
  const pool = new InspectPool(maxWorkers, { memoryLimitMb });
  const inspect = async (file: ProcessorFile, context: ProcessorContext): Promise<Result> => {
    context.signal.throwIfAborted();
    const read = readFor(context);
    const job = { timeoutMs, maxTextChars, budget, signal: context.signal, ...(read ? { read } : {}) };
    return (await pool.run(() => file.read(), job, context.workspace_id)) as Result;
  };
  return Object.assign(inspect, { close: () => pool.close() });
}

function option(options: InspectProcessorOptions, name: NumericOption, fallback: number, min: number, max: number): number {
  const value = options[name] ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`createInspectProcessor: ${name} must be a whole number from ${min} to ${max}; got ${String(value)}.`);
  }
  return value;
}

type NumericOption = {
  [K in keyof InspectProcessorOptions]-?: InspectProcessorOptions[K] extends number | undefined ? K : never;
}[keyof InspectProcessorOptions];
