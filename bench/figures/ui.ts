import { FILE_ERRORS } from '@batch-uploader/protocol';
import { alternate } from '../lib/alternate.js';
import { fetchBatch, waitUntilFinished } from '../lib/batch-api.js';
import { launchChromium, openPage, pageScript } from '../lib/browser.js';
import { assertServedBundleIsCurrent, ELEMENT_BUNDLE_PATH } from '../lib/bundles.js';
import { withScope } from '../lib/cleanup.js';
import { uploadClinicBatch } from '../lib/clinic-batch.js';
import type { BenchModule, Figure } from '../lib/figure.js';
import { startDemoServer } from '../lib/servers.js';
import { startStatusStreamServer } from '../lib/status-stream-server.js';
import { median, percentile, range, ratios, round } from '../lib/stats.js';
import { makeTempDir } from '../lib/temp-dir.js';
import type { Page } from 'playwright-core';
import type { AddTiming, StatusPlan, StatusTimings } from '../browser/ui-probe.js';

const FILES = 10_000;
const CHANGED = 100;
const UPDATES = 40;
const WARM_UP = 3;
const TEMPLATE_FILES = 50;
// The element's updates and then as many for the bare transport floor, all of one batch.
if (2 * (WARM_UP + UPDATES) * CHANGED > FILES) throw new Error('ui: more updates than the batch has files to finish');

/**
 * The element in real Chromium, from its self-contained bundle, in a fresh page for every
 * run. Times handing it 10,000 files until they are listed (page and bundle from the
 * real demo server), and status updates of 100 files while 10,000 are shown (page, bundle
 * and event stream from a server playing one batch: bench/lib/status-stream-server.ts).
 * bench/browser/ui-probe.ts says exactly what is timed. No baseline: the figures are
 * times within one page against a frame's budget, median of the runs.
 */
export const ui: BenchModule = {
  id: 'ui',
  keys: [
    'ui_add_10000_files_ms',
    'ui_add_10000_files_listed_ms',
    'ui_add_longest_task_ms',
    'ui_add_background_check_ms',
    'ui_add_background_longest_task_ms',
    'ui_add_bare_head_reads_ms',
    'ui_add_background_check_ratio_vs_bare_head_reads',
    'ui_status_update_p95_ms',
    'ui_status_render_p95_ms',
    'ui_status_update_wall_p95_ms',
    'ui_status_snapshot_parse_p95_ms',
    'ui_status_transport_p95_ms',
    'ui_status_snapshot_bytes',
  ],
  run: ({ settings, progress }) =>
    withScope(async (scope) => {
      await assertServedBundleIsCurrent();
      const work = await makeTempDir(scope, 'ui');
      const dataDir = await makeTempDir(scope, 'ui-data');
      const server = await startDemoServer(scope, { dataDir, logDir: work });
      const origin = new URL(server.api).origin;

      // The snapshots repeat the real server's answer for a finished clinic batch.
      const templateId = await uploadClinicBatch(work, server.api, TEMPLATE_FILES);
      await waitUntilFinished(server.api, templateId, 120_000);
      const template = await fetchBatch(server.api, templateId);
      const html = benchPage(await pageScript('ui-probe'));
      const failure = { code: 'CORRUPT_FILE', message: FILE_ERRORS.CORRUPT_FILE };

      const browser = await launchChromium(scope);
      const inPage = async <T>(at: { origin: string; path: string; html?: string }, measure: (page: Page) => Promise<T>): Promise<T> => {
        const { page, errors, close } = await openPage(browser, at.origin, at.path, at.html);
        try {
          const value = await measure(page);
          if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
          return value;
        } finally {
          await close();
        }
      };

      const n = settings.runs;
      progress(
        `ui: ${n} A/B rounds of adding ${FILES.toLocaleString('en-US')} files (element, bare reads of their first bytes), then ${n} runs of ${UPDATES} updates of ${CHANGED} files, fresh pages`,
      );
      const adds: AddTiming[] = [];
      const samples = await alternate(
        n,
        {
          element: async () => {
            const add = await inPage({ origin, path: '/bench/ui', html }, (page) => page.evaluate((count) => window.uiProbe!.measureAdd(count), FILES));
            adds.push(add);
            return add.addedMs;
          },
          bare: async () =>
            (await inPage({ origin, path: '/bench/ui', html }, (page) => page.evaluate((count) => window.uiProbe!.measureHeadReads(count), FILES))).readMs,
        },
        (variant, roundIndex, value) =>
          progress(
            `  round ${roundIndex + 1} ${variant}: ${value.toFixed(0)} ms${variant === 'element' ? ` (listed in ${adds.at(-1)!.listedMs.toFixed(0)} ms, content checked in ${adds.at(-1)!.checkedMs.toFixed(0)} ms)` : ''}`,
          ),
      );

      const statuses: StatusTimings[] = [];
      for (let run = 0; run < n; run++) {
        // A fresh batch for every run, so each run sees the same sizes of snapshot.
        const status = await withScope(async (runScope) => {
          const stream = await startStatusStreamServer(runScope, { files: FILES, changed: CHANGED, template, failure, bundlePath: ELEMENT_BUNDLE_PATH, html });
          const plan: StatusPlan = { batchId: stream.batchId, files: FILES, updates: UPDATES, warmUp: WARM_UP };
          return inPage({ origin: stream.origin, path: '/bench/status' }, (page) => page.evaluate((p) => window.uiProbe!.measureStatus(p), plan));
        });
        statuses.push(status);
        const p95 = (values: number[]) => percentile(values, 95).toFixed(1);
        progress(
          `  run ${run + 1}: update p95 ${p95(status.updateMs)} ms (render ${p95(status.renderMs)}, wall ${p95(status.wallMs)}, transport alone ${p95(status.transportMs)}, parse alone ${p95(status.parseMs)})`,
        );
      }

      const p95s = (pick: (s: StatusTimings) => number[]) => statuses.map((s) => percentile(pick(s), 95));
      const updates = p95s((s) => s.updateMs);
      const spread = (values: number[], digits = 0) =>
        range(values)
          .map((v) => v.toFixed(digits))
          .join('–');
      const addMs = samples.element;
      const checkMs = adds.map((a) => a.checkedMs);
      const checkRatio = ratios(checkMs, samples.bare);
      const eventKb = Math.round(statuses.at(-1)!.eventBytes / 1e3);
      return [
        {
          key: 'ui_add_10000_files_ms',
          value: round(median(addMs), 0),
          unit: 'ms',
          target: { goal: 200, floor: 1_000, better: 'lower' },
          detail: `addFiles(10,000 Files) to the painted frame after the session took them (queued, ready to send), median of ${n} (range ${spread(addMs)})`,
        },
        {
          key: 'ui_add_10000_files_listed_ms',
          value: round(median(adds.map((a) => a.listedMs)), 0),
          unit: 'ms',
          detail: `same, to the first painted frame with rows, median of ${n}`,
        },
        {
          key: 'ui_add_longest_task_ms',
          value: round(median(adds.map((a) => a.longestTaskMs)), 0),
          unit: 'ms',
          detail: `longest main-thread task until then (longtask entries, 0: none of 50 ms or more), median of ${n}`,
        },
        {
          key: 'ui_add_background_check_ms',
          value: round(median(checkMs), 0),
          unit: 'ms',
          detail: `addFiles to the end of the background check of every file's first bytes (session.whenChecked()), median of ${n} (range ${spread(checkMs)})`,
        },
        {
          key: 'ui_add_background_longest_task_ms',
          value: round(median(adds.map((a) => a.checkLongestTaskMs)), 0),
          unit: 'ms',
          detail: `longest main-thread task during the background check (0: none of 50 ms or more), median of ${n} (range ${spread(adds.map((a) => a.checkLongestTaskMs))})`,
        },
        {
          key: 'ui_add_bare_head_reads_ms',
          value: round(median(samples.bare), 0),
          unit: 'ms',
          detail: `bare page reading the first 16 bytes of the same 10,000 Files, 64 at a time, median of ${n} (range ${spread(samples.bare)})`,
        },
        {
          key: 'ui_add_background_check_ratio_vs_bare_head_reads',
          value: round(median(checkRatio), 2),
          unit: '×',
          detail: `background check ÷ bare reads, per A/B round, median of ${n} (range ${spread(checkRatio, 2)})`,
        },
        {
          key: 'ui_status_update_p95_ms',
          value: round(median(updates), 1),
          unit: 'ms',
          target: { goal: 8, floor: 16, better: 'lower' },
          detail: `a live changes event (up to ${eventKb} kB) with ${CHANGED} of ${FILES.toLocaleString('en-US')} files changed, from the server to its painted frame, the wait for that frame left out; p95 of ${UPDATES} per run, median of ${n} (range ${spread(updates, 1)})`,
        },
        {
          key: 'ui_status_render_p95_ms',
          value: round(median(p95s((s) => s.renderMs)), 1),
          unit: 'ms',
          detail: "of which the frame: the element's render, style, layout and paint, p95 per run, median",
        },
        {
          key: 'ui_status_update_wall_p95_ms',
          value: round(median(p95s((s) => s.wallMs)), 1),
          unit: 'ms',
          detail: 'same, wall time, the wait for the next frame included',
        },
        {
          key: 'ui_status_snapshot_parse_p95_ms',
          value: round(median(p95s((s) => s.parseMs)), 1),
          unit: 'ms',
          detail: 'JSON.parse of the whole-batch snapshot of the same moment alone (what a snapshot event would cost), p95 per run, median',
        },
        {
          key: 'ui_status_transport_p95_ms',
          value: round(median(p95s((s) => s.transportMs)), 1),
          unit: 'ms',
          detail:
            "the same push to the event's last byte in a bare fetch reader of the same page, no SDK and no element: the network stack's and server's share of the update, which the product does not run; p95 per run, median",
        },
        { key: 'ui_status_snapshot_bytes', value: statuses.at(-1)!.eventBytes, unit: 'B', detail: 'the last update event of a run' },
      ] satisfies Figure[];
    }),
};

/** The page: the probe, then the element's bundle from the demo server, as a host page loads it. */
function benchPage(probe: string): string {
  if (probe.includes('</script')) throw new Error('the probe script cannot be inlined');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>batch-uploader bench</title></head>
<body>
<script>${probe}</script>
<script type="module" src="/assets/batch-uploader.js"></script>
</body>
</html>`;
}
