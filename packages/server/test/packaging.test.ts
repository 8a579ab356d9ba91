/**
 * The packages as a stranger installs them: every published package is packed with
 * `npm pack`, the tarballs are installed into an empty app (with `express`, the one
 * required peer, and `mongodb`, as a host on MongoDB with its own processor would), and
 * that app is typechecked with `skipLibCheck: false` under moduleResolution `bundler`
 * and `node16`, and imports each entry in Node.
 *
 * npm fetches the packages' own dependencies with --prefer-offline: from the npm cache
 * that installing this repository filled, asking the registry only for what is missing.
 * Runs on the built dist/ (`npm test` builds first).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const PACKAGES = ['protocol', 'sdk', 'element', 'server', 'cli', 'conformance'] as const;
const NATIVE = ['better-sqlite3', 'sharp', 'pdfjs-dist', 'nodemailer'];

/** Versions this repository installed, so that npm finds them in its cache. */
async function installedVersion(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

// Every entry a consumer may import, typechecked together with skipLibCheck off.
const CONSUMER = `
import { DEFAULT_LIMITS, type Batch } from '@batch-uploader/protocol';
import { BatchClient, BatchSession } from '@batch-uploader/sdk';
import { expandPaths, fileFromPath } from '@batch-uploader/sdk/node';
import { BatchUploader, DEFAULT_STRINGS } from '@batch-uploader/element';
import '@batch-uploader/element/batch-uploader.js';
import {
  BatchEngine, LocalBlobStore, createBatchRouter, createHttpProcessor, isMissingPeerDependencyError,
  type AuthenticateRequest, type BatchRouter, type Processor,
} from '@batch-uploader/server';
import { SqliteStore } from '@batch-uploader/server/sqlite';
import { GridFsBlobStore, MongoClient, MongoStore } from '@batch-uploader/server/mongodb';
import { createInspectProcessor, sniffType } from '@batch-uploader/server/inspect';
import { runStoreConformanceSuite } from '@batch-uploader/server/testing';
import { runConformance } from '@batch-uploader/conformance';

const processor: Processor = async (file) => ({ bytes: (await file.read()).length });
const store = new MongoStore({ client: new MongoClient('mongodb://127.0.0.1:1') });
const engine = new BatchEngine({ store, blobs: new GridFsBlobStore({ client: new MongoClient('mongodb://127.0.0.1:1') }), processor });
const router: BatchRouter = createBatchRouter({
  engine,
  uploadDir: '/tmp/uploads',
  authenticate: ({ req }: { req: AuthenticateRequest }) => (req.get('authorization') ? { workspace_id: 'a' } : null),
});
export const used = [
  DEFAULT_LIMITS, BatchClient, BatchSession, expandPaths, fileFromPath, BatchUploader, DEFAULT_STRINGS,
  LocalBlobStore, createHttpProcessor, isMissingPeerDependencyError, SqliteStore, createInspectProcessor, sniffType,
  runStoreConformanceSuite, runConformance, router,
];
export type Used = Batch;
`;

// What each entry does in Node: loads, or names its missing optional peer.
const RUNTIME = `
const results = {};
const attempt = async (name, fn) => {
  try { results[name] = { ok: await fn() ?? true }; }
  catch (error) { results[name] = { error: error.name, code: error.code, packageName: error.packageName, message: error.message }; }
};
await attempt('protocol', async () => Object.keys(await import('@batch-uploader/protocol')).length > 0);
await attempt('sdk', async () => typeof (await import('@batch-uploader/sdk')).BatchClient);
await attempt('sdk/node', async () => typeof (await import('@batch-uploader/sdk/node')).expandPaths);
await attempt('element', async () => typeof (await import('@batch-uploader/element')).DEFAULT_STRINGS);
await attempt('conformance', async () => typeof (await import('@batch-uploader/conformance')).runConformance);
await attempt('server/testing', async () => typeof (await import('@batch-uploader/server/testing')).runStoreConformanceSuite);
const server = await import('@batch-uploader/server');
await attempt('server', async () => typeof server.createBatchRouter);
const { MongoStore, GridFsBlobStore, MongoClient } = await import('@batch-uploader/server/mongodb');
await attempt('server/mongodb', async () => typeof MongoClient);
const { SqliteStore } = await import('@batch-uploader/server/sqlite');
await attempt('server/sqlite', async () => new SqliteStore({ path: 'x.sqlite' }));
const { createInspectProcessor, sniffType } = await import('@batch-uploader/server/inspect');
await attempt('server/inspect sniffType', async () => sniffType(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37])));
await attempt('server/inspect', async () => createInspectProcessor());
await attempt('engine email', async () => {
  const client = new MongoClient('mongodb://127.0.0.1:1');
  new server.BatchEngine({
    store: new MongoStore({ client }),
    blobs: new GridFsBlobStore({ client }),
    processor: async () => ({}),
    email: { smtpUrl: 'smtp://127.0.0.1:1', from: 'uploads@clinic.example', recipients: ['desk@clinic.example'] },
  });
});
console.log(JSON.stringify(results));
`;

interface Outcome {
  ok?: unknown;
  error?: string;
  code?: string;
  packageName?: string;
  message?: string;
}

describe('the packed packages installed into an empty app', () => {
  let work: string;
  let app: string;
  let tarballs: Record<string, string>;

  before(async () => {
    for (const name of PACKAGES) assert.ok(existsSync(join(repo, 'packages', name, 'dist')), `packages/${name}/dist is built (npm run build)`);
    work = await mkdtemp(join(tmpdir(), 'packaging-'));
    app = join(work, 'app');
    await mkdir(app);
    const packed = JSON.parse(
      await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...PACKAGES.flatMap((name) => ['-w', `packages/${name}`])], repo),
    ) as Array<{ name: string; filename: string }>;
    tarballs = Object.fromEntries(packed.map((p) => [p.name, join(work, p.filename.replace(/^@/, '').replace('/', '-'))]));
    for (const file of Object.values(tarballs)) assert.ok(existsSync(file), `${file} packed`);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await npm(
      [
        'install',
        '--prefer-offline',
        ...Object.values(tarballs),
        `mongodb@${await installedVersion('mongodb')}`,
        `@types/node@${await installedVersion('@types/node')}`,
      ],
      app,
    );
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs no driver, parser or mail client the app did not ask for, and nothing that builds on install', async () => {
    const modules = new Set(await readdir(join(app, 'node_modules')));
    for (const name of NATIVE) assert.ok(!modules.has(name), `${name} is not installed`);
    assert.ok(modules.has('express'), 'express, the required peer, is installed');
    const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const building = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path);
    assert.deepEqual(building, []);
  });

  for (const moduleResolution of ['bundler', 'node16'] as const) {
    it(`typechecks with skipLibCheck false under moduleResolution ${moduleResolution}, without @types/express or @types/multer`, async () => {
      const dir = join(app, `check-${moduleResolution}`);
      await mkdir(dir);
      await writeFile(join(dir, 'consumer.ts'), CONSUMER);
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: moduleResolution === 'bundler' ? 'ESNext' : 'node16',
            moduleResolution,
            lib: ['ES2023', 'DOM', 'DOM.Iterable'],
            types: ['node'],
            strict: true,
            skipLibCheck: false,
            noEmit: true,
          },
          files: ['consumer.ts'],
        }),
      );
      assert.ok(!existsSync(join(app, 'node_modules/@types/express')));
      assert.ok(!existsSync(join(app, 'node_modules/@types/multer')));
      const result = await run(process.execPath, [tsc, '-p', dir], { cwd: app }).catch((error: { stdout: string }) => error);
      assert.equal(result.stdout, '', 'no type errors');
    });
  }

  it('imports each entry in Node; a missing optional peer is named with the command to install it', async () => {
    await writeFile(join(app, 'runtime.mjs'), RUNTIME);
    const { stdout } = await run(process.execPath, ['runtime.mjs'], { cwd: app });
    const results = JSON.parse(stdout) as Record<string, Outcome>;
    for (const entry of ['protocol', 'sdk', 'sdk/node', 'element', 'conformance', 'server', 'server/testing', 'server/mongodb', 'server/inspect sniffType']) {
      assert.ok(results[entry]?.ok, `${entry}: ${JSON.stringify(results[entry])}`);
    }
    assert.equal(results['server/inspect sniffType']?.ok, 'application/pdf');
    const missing: Array<[string, string, RegExp]> = [
      ['server/sqlite', 'better-sqlite3', /SQLite store .*npm install better-sqlite3/],
      ['server/inspect', 'sharp', /inspect processor .*npm install sharp/],
      ['engine email', 'nodemailer', /Email notifications .*npm install nodemailer/],
    ];
    for (const [entry, packageName, message] of missing) {
      const outcome = results[entry];
      assert.equal(outcome?.error, 'MissingPeerDependencyError', `${entry}: ${JSON.stringify(outcome)}`);
      assert.equal(outcome.code, 'MISSING_PEER_DEPENDENCY');
      assert.equal(outcome.packageName, packageName);
      assert.match(outcome.message ?? '', message);
    }
  });

  it('the bins run from the installed packages', async () => {
    const { stdout } = await run(join(app, 'node_modules/.bin/batch-upload'), ['--version'], { cwd: app });
    const { version } = JSON.parse(await readFile(join(repo, 'packages/cli/package.json'), 'utf8')) as { version: string };
    assert.equal(stdout.trim(), version);
    const help = await run(join(app, 'node_modules/.bin/batch-uploader-conformance'), ['--help'], { cwd: app });
    assert.match(help.stdout, /Usage: batch-uploader-conformance/);
  });

  it('each package has its LICENSE, keywords, types and engines, source maps whose sources it ships, and no relative README links', async () => {
    for (const name of PACKAGES) {
      const root = join(app, 'node_modules/@batch-uploader', name);
      const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
      assert.ok(existsSync(join(root, 'LICENSE')), `${name}: LICENSE`);
      assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.length > 0, `${name}: keywords`);
      assert.ok((manifest.engines as { node?: string } | undefined)?.node, `${name}: engines.node`);
      if (name !== 'cli') assert.ok(typeof manifest.types === 'string' && existsSync(join(root, manifest.types)), `${name}: types`);
      for (const map of await mapsUnder(join(root, 'dist'))) {
        const { sources, sourcesContent } = JSON.parse(await readFile(map, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
        if (sourcesContent?.every((content) => typeof content === 'string')) continue;
        for (const source of sources) assert.ok(existsSync(join(dirname(map), source)), `${name}: ${source} of ${map} is shipped`);
      }
      const readme = await readFile(join(root, 'README.md'), 'utf8');
      assert.deepEqual(readme.match(/\]\((?!https?:\/\/|#)[^)]*\)/g) ?? [], [], `${name}: README links that work on the registry's page`);
    }
  });
});

async function mapsUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.map')).map((e) => join(e.parentPath, e.name));
}
