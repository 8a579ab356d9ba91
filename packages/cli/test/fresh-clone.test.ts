/**
 * The root README's bulk-import command, exactly as written, in a fresh clone: the
 * committed HEAD of this repository is cloned into a temporary folder, installed, built,
 * its own demo server started, and `npx batch-upload --endpoint … ./scans/` run there.
 * The files must arrive at that server; `npx` must run this project's CLI, never fetch a
 * package of that name from the registry.
 *
 * How `npm install` stays fast and offline: this repository's node_modules (the
 * root's and the workspaces' own) are copied into the clone first, without the parts
 * `npm install` makes for the clone itself — the links to the workspace packages, the
 * `.bin` links and the hidden lockfile — so npm links the workspaces and their bins as on
 * a new machine, and fetches nothing it finds installed (`--prefer-offline`: what is
 * missing comes from the npm cache, else the registry). Install scripts are skipped: they
 * would only build the native drivers already copied, and the root's `prepare` (the
 * build), which runs as its own step so that the command is also tried before it.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BatchSummary } from '@batch-uploader/protocol';
import { makePdf, makePng } from '@batch-uploader/test-support/small-documents';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
// node_modules of workspaces that npm did not hoist to the root.
const NESTED_MODULES = ['demo-server/node_modules', 'fixtures/react-18/node_modules', 'packages/server/node_modules'];

/** The environment of a person's shell: none of the npm_* variables `npm test` sets. */
function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

async function sh(command: string, cwd: string, extra: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return exec('sh', ['-c', command], { cwd, env: shellEnv(extra), maxBuffer: 64 * 1024 * 1024 });
}

/** The bulk-import command of the root README, as written there. */
async function readmeCommand(): Promise<string> {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Bulk import from a terminal'));
  const command = /^npx batch-upload .*$/m.exec(section)?.[0];
  assert.ok(command, 'the README shows the npx batch-upload command');
  return command;
}

/** Starts the clone's demo server as `npm start` does, on a free port, and resolves with its origin. */
async function startCloneDemo(clone: string, dataDir: string): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['demo-server/dist/main.js'], {
    cwd: clone,
    env: shellEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'listening' && entry.url) {
      lines.close();
      child.stdout!.resume();
      return { origin: entry.url, child };
    }
  }
  throw new Error('the demo server stopped before it listened');
}

describe('the README command in a fresh clone', () => {
  let work: string;
  let clone: string;
  let demo: ChildProcess | undefined;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'fresh-clone-'));
    clone = join(work, 'batch-uploader');
    await exec('git', ['clone', '--quiet', repo, clone]);
    for (const path of ['node_modules', ...NESTED_MODULES]) {
      if (!existsSync(join(repo, path))) continue;
      await cp(join(repo, path), join(clone, path), { recursive: true, verbatimSymlinks: true });
    }
    await rm(join(clone, 'node_modules/.bin'), { recursive: true, force: true });
    await rm(join(clone, 'node_modules/@batch-uploader'), { recursive: true, force: true });
    await rm(join(clone, 'node_modules/.package-lock.json'), { force: true });
  });
  after(async () => {
    if (demo && demo.exitCode === null) {
      demo.kill('SIGTERM');
      await once(demo, 'exit');
    }
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('is the committed HEAD, without a build', async () => {
    const [{ stdout: ours }, { stdout: theirs }] = await Promise.all([
      exec('git', ['rev-parse', 'HEAD'], { cwd: repo }),
      exec('git', ['rev-parse', 'HEAD'], { cwd: clone }),
    ]);
    assert.equal(theirs, ours);
    assert.ok(!existsSync(join(clone, 'packages/cli/dist')));
  });

  it('npm install links the command before anything is built, and it says to build', async () => {
    await sh('npm install --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error', clone);
    assert.equal(await readlink(join(clone, 'node_modules/.bin/batch-upload')), '../@batch-uploader/cli/bin/batch-upload.js');
    // Offline: were the link missing, npx would fail here rather than fetch a stranger's package.
    const early = await sh('npx batch-upload --version', clone, { npm_config_offline: 'true' }).catch((error: { code: number; stderr: string }) => error);
    assert.equal('code' in early ? early.code : 0, 2);
    assert.match(early.stderr, /not built yet.*\n.*npm run build/);
  });

  it("after the build, the README's command uploads ./scans/ to the running demo server", async () => {
    await sh('npm run build --silent', clone);
    await mkdir(join(clone, 'scans', 'ward-a'), { recursive: true });
    await writeFile(join(clone, 'scans', 'referral.pdf'), await makePdf('referral'));
    await writeFile(join(clone, 'scans', 'ward-a', 'scan.png'), makePng());

    const started = await startCloneDemo(clone, join(work, 'data'));
    demo = started.child;
    // The README names port 3000; the demo server here takes a free port, since other
    // programs on this machine may hold 3000. Only the origin is replaced.
    const command = (await readmeCommand()).replace('http://localhost:3000', started.origin);
    assert.match(command, /^npx batch-upload --endpoint http:\/\/127\.0\.0\.1:\d+\/api\/gp \.\/scans\/$/);
    const { stdout } = await sh(command, clone, { npm_config_offline: 'true' });
    assert.match(stdout, /Uploading 2 files in 1 batch\./);
    assert.match(stdout, /2 files: 2 succeeded, 0 failed\./);

    const history = (await (await fetch(`${started.origin}/api/gp/batch-history`)).json()) as { batches: BatchSummary[] };
    assert.equal(history.batches.length, 1);
    const batchId = history.batches[0]!.id;
    const status = (await (await fetch(`${started.origin}/api/gp/batch-status/${batchId}`)).json()) as {
      batch: { files: Array<{ filename: string; status: string }> };
    };
    assert.deepEqual(status.batch.files.map((f) => [f.filename, f.status]).sort(), [
      ['referral.pdf', 'completed'],
      ['scan.png', 'completed'],
    ]);
  });
});
