import type { Processor } from '@batch-uploader/server';
import { alternate } from '../lib/alternate.js';
import { withScope } from '../lib/cleanup.js';
import type { BenchModule } from '../lib/figure.js';
import { runQueue } from '../lib/queue-run.js';
import { embeddedStores } from '../lib/queue-stores.js';
import { median, range, ratios, round } from '../lib/stats.js';

/**
 * Worker speed-up: an I/O-bound processor (it waits, like a call to an extraction
 * service), the same files at concurrency 4 and 1, embedded store, alternating. The
 * figure is wall time at 1 ÷ wall time at 4, per round; 4 is the ideal.
 */
export const workerSpeedup: BenchModule = {
  id: 'speedup',
  keys: ['speedup_4_workers_vs_1'],
  async run({ settings, progress }) {
    const { speedupFiles: files, speedupDelayMs: delayMs } = settings;
    const wait: Processor = (_file, { signal }) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve({ waited_ms: delayMs }), delayMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
      });
    const measure = (concurrency: number) => () =>
      withScope(async (scope) => {
        const stores = await embeddedStores.open(scope);
        try {
          // Two batches, as the upload limit is 50 files per batch.
          const run = await runQueue({ stores, processor: wait, concurrency, files, batches: Math.ceil(files / 50), timeoutMs: files * delayMs * 3 + 30_000 });
          return run.ms;
        } finally {
          await stores.close();
        }
      });
    progress(`speedup: ${settings.speedupRuns} rounds of ${files} files × ${delayMs} ms wait, concurrency 1 and 4`);
    const samples = await alternate(settings.speedupRuns, { one: measure(1), four: measure(4) }, (name, roundIndex, value) =>
      progress(`  round ${roundIndex + 1} ${name}: ${(value / 1000).toFixed(2)} s`),
    );
    const speedups = ratios(samples.one, samples.four);
    return [
      {
        key: 'speedup_4_workers_vs_1',
        value: round(median(speedups), 3),
        unit: '×',
        target: { goal: 3.7, floor: 3.2, better: 'higher' },
        detail: `${files} files × ${delayMs} ms wait; median of ${settings.speedupRuns} rounds (range ${range(speedups)
          .map((v) => v.toFixed(2))
          .join('–')}; ${(median(samples.one) / 1000).toFixed(2)} s vs ${(median(samples.four) / 1000).toFixed(2)} s)`,
      },
    ];
  },
};
