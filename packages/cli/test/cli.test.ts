/**
 * The `batch-upload` bin as a user runs it: a child process against the real demo
 * server. Skips only when the demo server's source is absent.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from '../src/json-report.js';
// The SDK's test support: documents made in code, and the real demo server.
import { fakePdf, makePdf, makePng, truncatedPdf } from '@batch-uploader/test-support/small-documents';
import { startDemoServer as startDemo, type TestDemoServer } from '@batch-uploader/test-support/demo-server';
import { closedPort, runScript, type ScriptRun } from '@batch-uploader/test-support/processes';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
// Where the runs keep the state of an unfinished import: this test's own folder, not the user's.
const stateDir = join(tmpdir(), `cli-state-${process.pid}`);
after(() => rm(stateDir, { recursive: true, force: true }));

/** Runs the CLI to its end. */
function runBin(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<ScriptRun> {
  return runScript(bin, args, { BATCH_UPLOAD_TOKEN: '', BATCH_UPLOAD_STATE_DIR: stateDir, ...env }, cwd);
}

describe('batch-upload CLI', () => {
  let demo: TestDemoServer;
  let docs: string;
  before(async () => {
    demo = await startDemo({ maxFiles: 2, processingDelayMs: 20 });
    docs = await mkdtemp(join(tmpdir(), 'cli-docs-'));
    await mkdir(join(docs, 'good', 'nested'), { recursive: true });
    await mkdir(join(docs, 'mixed'));
    for (const n of [1, 2, 3]) await writeFile(join(docs, 'good', `scan-${n}.pdf`), await makePdf(`scan ${n}`));
    await writeFile(join(docs, 'good', 'nested', 'photo.png'), makePng());
    await writeFile(join(docs, 'good', '.DS_Store'), 'hidden');
    await writeFile(join(docs, 'mixed', 'ok.pdf'), await makePdf('ok'));
    await writeFile(join(docs, 'mixed', 'broken.pdf'), await truncatedPdf());
    await writeFile(join(docs, 'mixed', 'notes.pdf'), fakePdf());
    await mkdir(join(docs, 'scans', 'ward-a'), { recursive: true });
    await mkdir(join(docs, 'scans', 'ward-b'));
    await writeFile(join(docs, 'scans', 'ward-a', 'scan.pdf'), await makePdf('ward a'));
    await writeFile(join(docs, 'scans', 'ward-b', 'scan.pdf'), fakePdf());
  });
  after(async () => {
    await demo?.close();
    await rm(docs, { recursive: true, force: true });
  });

  it('uploads a folder in as many batches as the limit needs and exits 0 when all completed', async () => {
    const { code, stdout, stderr } = await runBin(['--endpoint', demo.api, '--patient-id', 'PAT-SECRET-77', join(docs, 'good')]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /Uploading 4 files in 2 batches\./);
    assert.match(stdout, /4 files: 4 succeeded, 0 failed\./);
    assert.doesNotMatch(stdout + stderr, /PAT-SECRET-77/);
  });

  it('exits 1 when a file fails or is refused, and --json prints every batch with patient ids redacted', async () => {
    const { code, stdout, stderr } = await runBin(['--endpoint', demo.api, '--json', '--patient-id', 'PAT-SECRET-77', join(docs, 'mixed')]);
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stdout + stderr, /PAT-SECRET-77/);
    const report = JSON.parse(stdout) as JsonReport;
    assert.equal(report.batches.length, 1);
    const batch = report.batches[0]!;
    assert.equal(batch.patient_id, '[redacted]');
    assert.ok(batch.finished_at);
    assert.deepEqual(batch.files.map((f) => [f.filename, f.status]).sort(), [
      ['broken.pdf', 'failed'],
      ['ok.pdf', 'completed'],
    ]);
    assert.deepEqual(
      report.refused.map((r) => r.code),
      ['UNSUPPORTED_TYPE'],
    );
    assert.match(report.refused[0]!.path, /notes\.pdf$/);
    assert.match(stderr, /refused .*notes\.pdf: This file is not a PDF/);
    assert.match(stderr, /3 files: 1 succeeded, 1 failed, 1 refused before upload\./);
  });

  it('--json names each file by its path under the argument, telling two scan.pdf in different folders apart', async () => {
    const { code, stdout, stderr } = await runBin(['--endpoint', demo.api, '--json', './scans/'], {}, docs);
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout) as JsonReport;
    assert.equal(report.error, undefined);
    const sent = report.batches.flatMap((b) => b.files.map((f) => [f.path, f.filename, f.status]));
    assert.deepEqual(sent, [[join('scans', 'ward-a', 'scan.pdf'), 'scan.pdf', 'completed']]);
    assert.deepEqual(
      report.refused.map((r) => [r.path, r.code]),
      [[join('scans', 'ward-b', 'scan.pdf'), 'UNSUPPORTED_TYPE']],
    );
    assert.match(stderr, /refused scans\/ward-b\/scan\.pdf: /);
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runBin(['--version']);
    assert.equal(code, 0);
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(stdout, `${manifest.version}\n`);
  });

  it('--json prints a JSON error object on fatal errors', async () => {
    const usage = await runBin(['--json', '--priority', 'urgent', '--endpoint', demo.api, join(docs, 'good')]);
    assert.equal(usage.code, 2);
    assert.deepEqual((JSON.parse(usage.stdout) as JsonReport).error?.code, 'USAGE');

    const missing = await runBin(['--json', '--endpoint', demo.api, join(docs, 'nope')]);
    assert.equal(missing.code, 2);
    const bad = JSON.parse(missing.stdout) as JsonReport;
    assert.equal(bad.error?.code, 'BAD_PATH');
    assert.match(bad.error?.message ?? '', /no such file or folder/);

    const port = await closedPort();
    const unreachable = await runBin(['--json', '--endpoint', `http://127.0.0.1:${port}/api/gp`, join(docs, 'good')]);
    assert.equal(unreachable.code, 2);
    const report = JSON.parse(unreachable.stdout) as JsonReport;
    assert.equal(report.error?.code, 'UNREACHABLE');
    assert.match(report.error?.message ?? '', /cannot reach the batch API/);
    assert.deepEqual(report.batches, []);
  });

  it('exits 2 on usage errors, naming what is wrong', async () => {
    const noEndpoint = await runBin([join(docs, 'good')]);
    assert.equal(noEndpoint.code, 2);
    assert.match(noEndpoint.stderr, /Missing --endpoint/);

    const noFiles = await runBin(['--endpoint', demo.api]);
    assert.equal(noFiles.code, 2);
    assert.match(noFiles.stderr, /at least one file/);

    const missing = await runBin(['--endpoint', demo.api, join(docs, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder/);

    const badId = await runBin(['--endpoint', demo.api, '--patient-id', 'has spaces', join(docs, 'good')]);
    assert.equal(badId.code, 2);
    assert.doesNotMatch(badId.stderr, /has spaces/);

    const help = await runBin(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: batch-upload/);
  });

  it('exits 2 when the server cannot be reached', async () => {
    const port = await closedPort();
    const { code, stderr } = await runBin(['--endpoint', `http://127.0.0.1:${port}/api/gp`, join(docs, 'good')]);
    assert.equal(code, 2);
    assert.match(stderr, /cannot reach the batch API/);
  });
});

describe('batch-upload CLI with a large batch', () => {
  it('sends one batch in several requests and reports one batch', async () => {
    const demo = await startDemo();
    const docs = await mkdtemp(join(tmpdir(), 'cli-many-'));
    try {
      for (let n = 1; n <= 12; n++) await writeFile(join(docs, `page-${String(n).padStart(2, '0')}.png`), makePng(n, n));
      const { code, stdout, stderr } = await runBin(['--endpoint', demo.api, '--json', docs]);
      assert.equal(code, 0, stderr);
      assert.match(stderr, /batch 1\/1: uploaded 12 files in 2 requests as /);
      const report = JSON.parse(stdout) as JsonReport;
      assert.equal(report.batches.length, 1);
      assert.deepEqual(
        report.batches[0]!.files.map((f) => [f.filename, f.status]),
        Array.from({ length: 12 }, (_, i) => [`page-${String(i + 1).padStart(2, '0')}.png`, 'completed']),
      );
    } finally {
      await demo.close();
      await rm(docs, { recursive: true, force: true });
    }
  });
});
