import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alternate } from '../lib/alternate.js';
import { waitUntilFinished } from '../lib/batch-api.js';
import { withScope, type Scope } from '../lib/cleanup.js';
import { uploadClinicBatch } from '../lib/clinic-batch.js';
import type { BenchModule, Figure } from '../lib/figure.js';
import { poll } from '../lib/load.js';
import { readProcessCpuMs } from '../lib/proc-stats.js';
import { startBaseline, startDemoServer } from '../lib/servers.js';
import { median, range, ratios, round } from '../lib/stats.js';
import { makeTempDir } from '../lib/temp-dir.js';

const BATCH_FILES = 50;

/** One polled endpoint: where it is, which process answers, what it must answer. */
interface Target {
  pid: number;
  url: string;
  headers: Record<string, string>;
  expectStatus: number;
}

/**
 * Status polling: requests/s of `GET /batch-status/:id` for a finished 50-file batch on
 * the real demo server, against a bare Express route answering the very same JSON with
 * res.json. Both servers run for the whole figure; each round polls each variant for the
 * same time, in rotating order. The 304 variant sends the ETag back, as a poller that
 * keeps its last answer does. The servers' CPU time per request is recorded on the side.
 */
export const statusRps: BenchModule = {
  id: 'status',
  keys: [
    'status_rps_ratio_vs_bare_express',
    'status_rps_ratio_304_vs_bare_express',
    'status_cpu_ratio_vs_bare_express',
    'status_rps',
    'status_bare_express_rps',
    'status_payload_bytes',
  ],
  run: ({ settings, progress }) =>
    withScope(async (scope) => {
      const { demo, demo304, bare, payloadBytes } = await startServers(scope);
      const load = { seconds: settings.statusSeconds, connections: settings.statusConnections };
      const cpuUs = { demo: [] as number[], bare: [] as number[], demo304: [] as number[] };
      const measure = (variant: keyof typeof cpuUs, target: Target) => async () => {
        const cpuBefore = await readProcessCpuMs(target.pid);
        const run = await poll(target.url, { ...load, headers: target.headers, expectStatus: target.expectStatus });
        cpuUs[variant].push((((await readProcessCpuMs(target.pid)) - cpuBefore) * 1000) / run.requests);
        return run.rps;
      };

      progress(`status: ${settings.runs} rounds × 3 variants × ${settings.statusSeconds} s, ${load.connections} connections, ${payloadBytes} B body`);
      // Warm-up (JIT, SQLite page cache), not counted.
      for (const target of [demo, bare]) await poll(target.url, { ...load, seconds: 1, headers: target.headers, expectStatus: target.expectStatus });
      const samples = await alternate(
        settings.runs,
        { demo: measure('demo', demo), bare: measure('bare', bare), demo304: measure('demo304', demo304) },
        (variant, roundIndex, value) => progress(`  round ${roundIndex + 1} ${variant}: ${value.toFixed(0)} req/s`),
      );

      const ratio200 = ratios(samples.demo, samples.bare);
      const ratio304 = ratios(samples.demo304, samples.bare);
      const cpuRatio = ratios(cpuUs.bare, cpuUs.demo);
      const n = settings.runs;
      const spread = (values: number[]) =>
        range(values)
          .map((v) => v.toFixed(2))
          .join('–');
      const us = (values: number[]) => median(values).toFixed(0);
      return [
        {
          key: 'status_rps_ratio_vs_bare_express',
          value: round(median(ratio200), 3),
          unit: '×',
          target: { goal: 0.6, floor: 0.4, better: 'higher' },
          detail: `req/s demo ÷ bare, both 200 with the full body, median of ${n} rounds (range ${spread(ratio200)})`,
        },
        {
          key: 'status_rps_ratio_304_vs_bare_express',
          value: round(median(ratio304), 3),
          unit: '×',
          detail: `demo answering 304 to If-None-Match ÷ bare 200, median of ${n} (range ${spread(ratio304)})`,
        },
        {
          key: 'status_cpu_ratio_vs_bare_express',
          value: round(median(cpuRatio), 3),
          unit: '×',
          detail: `server CPU per request, bare ÷ demo, median of ${n} (${us(cpuUs.bare)} vs ${us(cpuUs.demo)} µs; 304: ${us(cpuUs.demo304)} µs)`,
        },
        { key: 'status_rps', value: Math.round(median(samples.demo)), unit: 'req/s', detail: `demo server, 200, median of ${n}` },
        { key: 'status_bare_express_rps', value: Math.round(median(samples.bare)), unit: 'req/s', detail: `bare Express res.json, median of ${n}` },
        { key: 'status_payload_bytes', value: payloadBytes, unit: 'B', detail: `status body of the finished ${BATCH_FILES}-file batch` },
      ] satisfies Figure[];
    }),
};

/** Starts the demo server with a finished batch, and the bare server answering its status body. */
async function startServers(scope: Scope): Promise<{ demo: Target; demo304: Target; bare: Target; payloadBytes: number }> {
  const work = await makeTempDir(scope, 'status');
  const dataDir = await makeTempDir(scope, 'status-data');
  const demo = await startDemoServer(scope, { dataDir, logDir: work });
  const batchId = await uploadClinicBatch(work, demo.api, BATCH_FILES);
  await waitUntilFinished(demo.api, batchId, 120_000);

  const statusUrl = `${demo.api}/batch-status/${batchId}`;
  const answer = await fetch(statusUrl, { signal: AbortSignal.timeout(10_000) });
  const payload = await answer.text();
  const etag = answer.headers.get('etag');
  if (!answer.ok || !etag) throw new Error(`the status route answered ${answer.status} without an ETag`);
  const payloadFile = join(work, 'payload.json');
  await writeFile(payloadFile, payload);
  const bare = await startBaseline(scope, 'bare-json-server', { env: { PAYLOAD_FILE: payloadFile }, logDir: work });
  const bareUrl = `${bare.api}/status`;
  const bareBody = await (await fetch(bareUrl, { signal: AbortSignal.timeout(10_000) })).text();
  if (bareBody.length !== payload.length) throw new Error(`the bodies differ in size: ${bareBody.length} vs ${payload.length}`);

  return {
    demo: { pid: demo.pid, url: statusUrl, headers: {}, expectStatus: 200 },
    demo304: { pid: demo.pid, url: statusUrl, headers: { 'if-none-match': etag }, expectStatus: 304 },
    bare: { pid: bare.pid, url: bareUrl, headers: {}, expectStatus: 200 },
    payloadBytes: Buffer.byteLength(payload),
  };
}
