import type { Processor } from '@batch-uploader/server';
import { alternate } from '../lib/alternate.js';
import { withScope, type Scope } from '../lib/cleanup.js';
import type { BenchContext, BenchModule, Figure } from '../lib/figure.js';
import { mongoStores } from '../lib/mongo-stores.js';
import { runQueue } from '../lib/queue-run.js';
import { embeddedStores, type QueueStoreVariant } from '../lib/queue-stores.js';
import type { BenchSettings } from '../lib/settings.js';
import { median, range, round } from '../lib/stats.js';

/** A processor that does nothing: what is left is the queue's own cost. */
const noop: Processor = async () => ({ ok: true });

/** The store variants measured: the embedded default, and MongoDB when the product has it. */
async function storeVariants(scope: Scope, settings: BenchSettings): Promise<QueueStoreVariant[]> {
  const files = settings.mongoTestServerFiles;
  const mongo = await mongoStores(scope, { files, batches: Math.ceil(files / 50), maxRounds: Math.min(settings.runs, 3) });
  return mongo ? [embeddedStores, mongo] : [embeddedStores];
}

/**
 * Queue throughput: files per second through the real BatchEngine with a no-op
 * processor, at concurrency 3 (the default) and 8, alternating, fresh stores every run.
 * One group of figures per store variant; a new store is a new {@link QueueStoreVariant}.
 */
export const queueThroughput: BenchModule = {
  id: 'queue',
  keys: [
    'queue_files_per_second_embedded',
    'queue_files_per_second_embedded_concurrency_8',
    'queue_embedded_cpu_ms_per_file',
    'queue_files_per_second_mongo',
    'queue_files_per_second_mongo_concurrency_8',
    'queue_mongo_cpu_ms_per_file',
  ],
  run: (context) =>
    withScope(async (scope) => {
      const figures: Figure[] = [];
      for (const variant of await storeVariants(scope, context.settings)) figures.push(...(await measureVariant(context, variant)));
      return figures;
    }),
};

async function measureVariant({ settings, progress }: BenchContext, variant: QueueStoreVariant): Promise<Figure[]> {
  const { files, batches, maxRounds } = variant.workload ?? { files: settings.queueFiles, batches: settings.queueBatches, maxRounds: settings.runs };
  const runs = Math.min(settings.runs, maxRounds);
  progress(`queue (${variant.name}): ${runs} rounds of ${files} files in ${batches} batches, concurrency 3 and 8`);
  const cpuMsPerFile: number[] = [];
  const measure = (concurrency: number) => () =>
    withScope(async (scope) => {
      const stores = await variant.open(scope);
      try {
        const run = await runQueue({ stores, processor: noop, concurrency, files, batches, timeoutMs: 300_000 });
        if (concurrency === 3) cpuMsPerFile.push(run.cpuMsPerFile);
        return run.filesPerSecond;
      } finally {
        await stores.close();
      }
    });
  const samples = await alternate(runs, { c3: measure(3), c8: measure(8) }, (name, roundIndex, value) =>
    progress(`  round ${roundIndex + 1} ${name}: ${value.toFixed(0)} files/s`),
  );
  const spread = (values: number[]) =>
    range(values)
      .map((v) => v.toFixed(0))
      .join('–');
  const workload = `${files} files in ${batches} batches`;
  return [
    {
      key: `queue_files_per_second_${variant.name}`,
      value: round(median(samples.c3), 0),
      unit: 'files/s',
      ...(variant.target ? { target: variant.target } : {}),
      detail: `${variant.description}, ${workload}, concurrency 3, median of ${runs} (range ${spread(samples.c3)})`,
    },
    {
      key: `queue_files_per_second_${variant.name}_concurrency_8`,
      value: round(median(samples.c8), 0),
      unit: 'files/s',
      detail: `same, concurrency 8, median of ${runs} (range ${spread(samples.c8)})`,
    },
    {
      key: `queue_${variant.name}_cpu_ms_per_file`,
      value: round(median(cpuMsPerFile), 3),
      unit: 'ms',
      detail: `CPU time of the bench process per file (engine and store client side), concurrency 3, median: steadier than files/s`,
    },
  ];
}
