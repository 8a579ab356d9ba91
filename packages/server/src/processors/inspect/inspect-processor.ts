import type { InspectionResult } from '@batch-uploader/protocol';
import type { ProcessorContext, ProcessorFile } from '../processor.js';
import { INSPECT_DEFAULTS } from './defaults.js';
import { InspectPool } from './inspect-pool.js';

/** Options of {@link createInspectProcessor}. */
export interface InspectProcessorOptions {
  /**
   * Longest one document may take to parse; then its thread is terminated and the file
   * fails with `PROCESSING_TIMEOUT`. Time spent waiting for a free thread does not count.
   * @default 30000
   */
  timeoutMs?: number;
  /** Most characters of PDF text in a result; 0 returns none. @default 2000 */
  maxTextChars?: number;
  /**
   * Parser threads run at once; more files wait for a free one. Match the engine's concurrency.
   * @default min(3, available CPUs)
   */
  maxWorkers?: number;
}

/**
 * The default processor: resolves to the {@link InspectionResult} of a file, parsed off
 * the main thread. Call `close()` when done with it to stop its threads.
 */
export type InspectProcessor = ((file: ProcessorFile, context: ProcessorContext) => Promise<InspectionResult>) & {
  /** Stops the parser threads; calls made afterwards fail. */
  close(): Promise<void>;
};

/**
 * Creates the default processor, which inspects documents for real in a small pool of
 * worker threads, so that one hostile file cannot stall the server.
 * @example const processor = createInspectProcessor({ timeoutMs: 10_000 });
 */
export function createInspectProcessor(options: InspectProcessorOptions = {}): InspectProcessor {
  const timeoutMs = option(options, 'timeoutMs', INSPECT_DEFAULTS.timeoutMs, 1, 2 ** 31 - 1);
  const maxTextChars = option(options, 'maxTextChars', INSPECT_DEFAULTS.maxTextChars, 0, 1_000_000);
  const maxWorkers = option(options, 'maxWorkers', INSPECT_DEFAULTS.maxWorkers, 1, 64);
  const pool = new InspectPool(maxWorkers);
  const inspect = async (file: ProcessorFile, context: ProcessorContext): Promise<InspectionResult> => {
    context.signal.throwIfAborted();
    return pool.run(() => file.read(), { timeoutMs, maxTextChars, signal: context.signal });
  };
  return Object.assign(inspect, { close: () => pool.close() });
}

function option(
  options: InspectProcessorOptions,
  name: keyof InspectProcessorOptions,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = options[name] ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`createInspectProcessor: ${name} must be a whole number from ${min} to ${max}; got ${String(value)}.`);
  }
  return value;
}
