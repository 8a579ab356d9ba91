import commonjsPlugin from '@rollup/plugin-commonjs';
import replacePlugin from '@rollup/plugin-replace';
import { transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup, type OutputOptions, type Plugin, type RollupOptions } from 'rollup';

// Their types describe the CommonJS builds; Node loads the ES builds, whose default export is the plugin.
const commonjs = commonjsPlugin as unknown as typeof commonjsPlugin.default;
const replace = replacePlugin as unknown as typeof replacePlugin.default;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The element bundle's entry, as `npm run build` writes it and the demo server serves it; its chunks are beside it. */
export const ELEMENT_BUNDLE = 'packages/element/dist/batch-uploader.js';
export const ELEMENT_BUNDLE_PATH = join(ROOT, ELEMENT_BUNDLE);
const ELEMENT_DIR = 'packages/element/dist';

/** A bundle's size. */
export interface BundleSize {
  /** Minified bytes. */
  bytes: number;
  /** Bytes after gzip -9. */
  gzipBytes: number;
}

/** gzip -9 of `text`, in bytes (no file name in the header). */
export function gzipSize(text: string): number {
  return gzipSync(text, { level: 9 }).length;
}

/** One file of the element's bundle. */
export interface ElementChunk {
  fileName: string;
  code: string;
  isEntry: boolean;
  /** Files it imports statically (loaded with it) and with import() (loaded when needed). */
  imports: string[];
  dynamicImports: string[];
}

let productBuild: Promise<{ code: string; chunks: ElementChunk[]; plugins: Plugin[] }> | null = null;

/**
 * Builds the element's bundle in memory with the product's own rollup.config.mjs
 * (nothing is written), once per bench run: `code` is the entry's, `chunks` every file.
 * Its plugins are also the settings the other libraries are bundled with.
 */
export function buildElementBundle(): Promise<{ code: string; chunks: ElementChunk[]; plugins: Plugin[] }> {
  productBuild ??= (async () => {
    // The config names its inputs relative to the repository, as `rollup -c` runs there.
    if (process.cwd() !== ROOT.replace(/\/$/, '')) throw new Error(`run the bench from the repository root (${ROOT}), e.g. with npm run bench`);
    const { default: configs } = (await import(pathToFileURL(join(ROOT, 'rollup.config.mjs')).href)) as { default: RollupOptions[] };
    const config = configs.find((c) => (c.output as OutputOptions | undefined)?.dir === ELEMENT_DIR);
    if (!config) throw new Error(`rollup.config.mjs has no build into ${ELEMENT_DIR}`);
    const chunks = await bundleChunks(config, config.output as OutputOptions);
    const entry = chunks.find((chunk) => chunk.isEntry && join(ELEMENT_DIR, chunk.fileName) === ELEMENT_BUNDLE);
    if (!entry) throw new Error(`rollup.config.mjs does not build ${ELEMENT_BUNDLE}`);
    return { code: entry.code, chunks, plugins: (config.plugins as Plugin[]).filter(Boolean) };
  })();
  return productBuild;
}

/**
 * Fails when the bundle the demo server serves is not what the sources build today: the
 * browser figures would measure an old element. `npm run build` brings it up to date.
 */
export async function assertServedBundleIsCurrent(): Promise<void> {
  const served = await readFile(ELEMENT_BUNDLE_PATH, 'utf8').catch(() => null);
  const { code } = await buildElementBundle();
  if (served !== code) {
    throw new Error(`${ELEMENT_BUNDLE} is ${served === null ? 'missing' : 'not the build of the current sources'}: run npm run build first`);
  }
}

/** A library measured beside the element: an entry of bench/competitors/ and the stylesheets it needs. */
export interface Competitor {
  /** Key part, e.g. `dropzone` → `bundle_dropzone_gzip_bytes`. */
  key: string;
  name: string;
  entry: string;
  /** Package paths of the CSS its page must load for it to look and work as shown in its docs. */
  css: string[];
}

export const COMPETITORS: readonly Competitor[] = [
  { key: 'dropzone', name: 'Dropzone', entry: 'dropzone.js', css: ['dropzone/dist/dropzone.css'] },
  { key: 'filepond', name: 'FilePond', entry: 'filepond.js', css: ['filepond/dist/filepond.css'] },
  { key: 'uppy_dashboard', name: 'Uppy Dashboard', entry: 'uppy-dashboard.js', css: ['@uppy/core/css/style.css', '@uppy/dashboard/css/style.css'] },
];

/** A competitor's JavaScript and CSS, each minified, and their gzip -9 sizes. */
export interface CompetitorSize {
  js: BundleSize;
  css: BundleSize;
}

/**
 * Bundles a competitor's entry with the element's own plugins (node-resolve, terser and
 * the rest of rollup.config.mjs), plus what CommonJS dependencies need in a browser
 * bundle: the commonjs plugin, JSON imports, and `process.env.NODE_ENV` set to production. Its CSS is
 * minified with esbuild, the minifier of the element's own styles.
 */
export async function measureCompetitor(competitor: Competitor): Promise<CompetitorSize> {
  // The product's config has its own commonjs plugin now (for the tus client); two would
  // each wrap the CommonJS modules, and named imports of them would fail.
  const plugins = (await buildElementBundle()).plugins.filter((plugin) => plugin.name !== 'commonjs');
  const input = fileURLToPath(new URL(`../competitors/${competitor.entry}`, import.meta.url));
  const code = await bundle(
    {
      input,
      plugins: [replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }), json(), ...plugins, commonjs()],
    },
    { format: 'es' },
  );
  const require = createRequire(import.meta.url);
  let css = '';
  for (const sheet of competitor.css) {
    const { code: minified } = await transform(await readFile(require.resolve(sheet), 'utf8'), { loader: 'css', minify: true });
    css += minified;
  }
  return { js: sizeOf(code), css: sizeOf(css) };
}

/**
 * JSON imports as ES modules (Uppy imports its package.json for its version), like
 * @rollup/plugin-json, which the bench does not have: the whole object is the default export.
 */
function json(): Plugin {
  return {
    name: 'json',
    transform: (code, id) => (id.endsWith('.json') ? { code: `export default ${JSON.stringify(JSON.parse(code))};`, map: null } : null),
  };
}

/** The element's bundle, built fresh: its first load (the entry and what it imports statically) and all its files. */
export async function measureElement(): Promise<{ firstLoad: BundleSize & { files: string[] }; total: BundleSize & { files: string[] } }> {
  const { chunks } = await buildElementBundle();
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const first = new Set<string>();
  const visit = (name: string) => {
    if (first.has(name)) return;
    first.add(name);
    for (const imported of byName.get(name)!.imports) visit(imported);
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
  // Each file is its own request, so each is gzipped on its own.
  const sum = (files: ElementChunk[]) =>
    files.map((chunk) => sizeOf(chunk.code)).reduce((a, b) => ({ bytes: a.bytes + b.bytes, gzipBytes: a.gzipBytes + b.gzipBytes }), { bytes: 0, gzipBytes: 0 });
  return {
    firstLoad: { ...sum(chunks.filter((chunk) => first.has(chunk.fileName))), files: [...first] },
    total: { ...sum(chunks), files: chunks.map((chunk) => chunk.fileName) },
  };
}

function sizeOf(text: string): BundleSize {
  return { bytes: Buffer.byteLength(text), gzipBytes: gzipSize(text) };
}

async function bundle(options: RollupOptions, output: OutputOptions): Promise<string> {
  const chunks = await bundleChunks(options, output);
  if (chunks.length !== 1) throw new Error(`${String(options.input)} did not bundle into one file`);
  return chunks[0]!.code;
}

async function bundleChunks(options: RollupOptions, output: OutputOptions): Promise<ElementChunk[]> {
  const warnings: string[] = [];
  const build = await rollup({ ...options, onwarn: (warning) => void warnings.push(warning.message) });
  try {
    return (await build.generate(output)).output
      .filter((file) => file.type === 'chunk')
      .map(({ fileName, code, isEntry, imports, dynamicImports }) => ({ fileName, code, isEntry, imports, dynamicImports }));
  } finally {
    await build.close();
  }
}
