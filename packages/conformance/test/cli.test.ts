/**
 * `batch-uploader-conformance` as a team runs it: a child process, its table, its JSON,
 * its exit status. Against the small backend of faults.test.ts, so it needs no build.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHECK_LIST, type ConformanceReport } from '../src/index.js';
import { startToyBackend, type Toy } from './support/toy-backend.js';
import { closedPort, runScript, type ScriptRun } from '@batch-uploader/test-support/processes';

const bin = fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const TOKEN = 'cli-test-token-0123456789abcdef';

/** Runs the CLI to its end. */
function runBin(args: readonly string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  return runScript(bin, args, { BATCH_UPLOAD_TOKEN: '', NO_COLOR: '1', ...env });
}

describe('batch-uploader-conformance', () => {
  let secured: Toy;
  let noEtag: Toy;
  before(async () => {
    secured = await startToyBackend({ token: TOKEN });
    noEtag = await startToyBackend({ faults: { noEtag: true } });
  });
  after(() => Promise.all([secured.close(), noEtag.close()]));

  it('--help, --version and --list print and exit 0', async () => {
    const help = await runBin(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: batch-uploader-conformance <base-url> \[options\]/);
    assert.match(help.stdout, /--token TOKEN/);
    const shown = await runBin(['--version']);
    assert.deepEqual([shown.code, shown.stdout], [0, `${version}\n`]);
    const list = await runBin(['--list']);
    assert.equal(list.code, 0);
    for (const check of CHECK_LIST)
      assert.match(list.stdout, new RegExp(`^${check.id.replace('.', '\\.')} +${check.required ? 'required' : 'optional'}  `, 'm'));
  });

  it('a wrong command line exits 2 with what to fix', async () => {
    for (const [args, message] of [
      [[], /Name the base URL of the batch API/],
      [['ftp://example.test/api'], /must be an http:\/\/ or https:\/\/ URL/],
      [['http://user:secret@127.0.0.1:1/api'], /Give credentials with --token, not in the URL/],
      [['http://127.0.0.1:1/api', '--timeout', 'soon'], /--timeout must be a number of seconds/],
      [['http://127.0.0.1:1/api', '--colour'], /Unknown option '--colour'/],
    ] as const) {
      const run = await runBin(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /Run batch-uploader-conformance --help for usage\./);
      assert.ok(!run.stderr.includes('secret'));
    }
  });

  it('a server that cannot be reached exits 2 and says so', async () => {
    const port = await closedPort();
    const run = await runBin([`http://127.0.0.1:${port}/api/gp`]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/api/gp: GET /api/gp/limits: no answer \\(ECONNREFUSED\\)`));
  });

  it('with the token from BATCH_UPLOAD_TOKEN, prints a table of every check and exits 0; the token is never printed', async () => {
    const run = await runBin([secured.api], { BATCH_UPLOAD_TOKEN: TOKEN });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`^batch-uploader conformance ${version.replace(/\./g, '\\.')}: ${secured.api.replace(/\./g, '\\.')} \\(protocol \\d+\\.\\d+\\.\\d+\\)`),
    );
    assert.match(run.stdout, /^PASS {2}auth {21}required {2}the bearer token is taken/m);
    assert.match(run.stdout, /^N\/A {3}pause {20}optional {2}not supported: POST \/batch\/\{batch_id\}\/pause answered 404 NOT_FOUND$/m);
    assert.equal(run.stdout.match(/^(PASS|FAIL|SKIP|N\/A) /gm)?.length, CHECK_LIST.length);
    assert.match(run.stdout, /^Required: 19 passed, 0 failed\.$/m);
    assert.match(run.stdout, /^The backend passes every required check\.$/m);
    assert.ok(!(run.stdout + run.stderr).includes(TOKEN));
  });

  it('without the token the server requires, says to pass --token and exits 2', async () => {
    const run = await runBin([secured.api]);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /^FAIL {2}auth .*401 UNAUTHORIZED with the error envelope\. Run again with --token T\.$/m);
    assert.equal(run.stdout.match(/^(PASS|FAIL|SKIP|N\/A) /gm)?.length, 1, 'checks not run are counted, not listed');
    assert.match(run.stderr, /batch-uploader-conformance: the server requires a token/);
  });

  it('--json prints the report for machines, and a failed required check exits 1', async () => {
    const run = await runBin([noEtag.api, '--json']);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    assert.equal(report.passed, false);
    assert.equal(report.base_url, noEtag.api);
    assert.deepEqual(
      report.checks.map((c) => c.id),
      CHECK_LIST.map((c) => c.id),
    );
    const etag = report.checks.find((c) => c.id === 'status.etag')!;
    assert.deepEqual([etag.required, etag.outcome], [true, 'fail']);
    assert.match(etag.reason, /no ETag header/);
    assert.equal(report.summary.required.fail, 1);
  });
});

describe('the README', () => {
  it('lists every check with its kind, in the order they run', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z.-]+)` \| (required|optional) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(
      rows,
      CHECK_LIST.map((c) => `${c.id} ${c.required ? 'required' : 'optional'}`),
    );
  });
});
