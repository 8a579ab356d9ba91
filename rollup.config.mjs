// Browser bundles. TypeScript is compiled by `tsc --build` for Node; rollup only makes
// the self-contained ES modules a page loads with one <script type="module">.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import terser from '@rollup/plugin-terser';
import { transform } from 'esbuild';
import esbuild from 'rollup-plugin-esbuild';
import ts from 'typescript';

/** Fails the build when Node-only code (`node:` modules, the CLI) would end up in a browser bundle. */
function browserOnly() {
  return {
    name: 'browser-only',
    resolveId(source, importer) {
      if (source.startsWith('node:') || /[\\/](cli|node)[\\/]/.test(source)) {
        this.error(`${importer ?? 'entry'} imports ${source}, which is Node-only and cannot go into a browser bundle.`);
      }
      return null;
    },
  };
}

/**
 * Puts the SDK's browser-only modules in place of the ones Node and bundlers get, for
 * the SDK's sources and for its compiled files, which the element's bundle takes: the
 * browser fetch transport (the body as one Blob) for the Node one (a streamed body,
 * which browsers cannot send over HTTP/1.1), and the subset of ky the client uses, on
 * fetch, for ky itself (see client/ky-subset.browser.ts).
 */
function browserSubstitutes() {
  return {
    name: 'browser-substitutes',
    resolveId(source, importer) {
      const sdkModule = importer && /[\\/]packages[\\/]sdk[\\/](src|dist)[\\/]/.exec(importer);
      if (!sdkModule) return null;
      const ext = importer.endsWith('.ts') ? 'ts' : 'js';
      const client = join(importer.slice(0, sdkModule.index + sdkModule[0].length), 'client');
      if (source === 'ky') return join(client, `ky-subset.browser.${ext}`);
      if (source === './fetch-transport.js' && dirname(importer) === client) return join(client, `fetch-transport.browser.${ext}`);
      return null;
    },
  };
}

/**
 * Minifies the text of Lit's tagged templates in the element's sources, which no JS
 * minifier touches: `css` without substitutions goes through esbuild's CSS minifier, and
 * in `html` every run of whitespace that holds a line break shrinks to its line breaks
 * (rendering is the same: HTML collapses whitespace; the templates hold no <pre>).
 * Line breaks are kept so that the source map stays right.
 */
function minifyTemplates() {
  return {
    name: 'minify-templates',
    async transform(code, id) {
      if (!/[\\/]packages[\\/]element[\\/]src[\\/].*\.ts$/.test(id) || !/\b(html|css)`/.test(code)) return null;
      const source = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      const edits = [];
      const visit = (node) => {
        if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag)) edits.push(...templateEdits(node.tag.text, node.template));
        ts.forEachChild(node, visit);
      };
      visit(source);
      let out = code;
      for (const { start, end, text } of edits.sort((a, b) => b.start - a.start)) {
        const replacement = typeof text === 'function' ? await text() : text;
        out = out.slice(0, start) + replacement + out.slice(end);
      }
      return { code: out, map: null };
    },
  };
}

/** Replacements of a template's literal parts (without their delimiters). */
function templateEdits(tag, template) {
  const spans = ts.isNoSubstitutionTemplateLiteral(template) ? [template] : [template.head, ...template.templateSpans.map((span) => span.literal)];
  if (tag === 'css') {
    if (spans.length !== 1) return []; // Interpolated CSS is left as written.
    const { start, end, raw } = literalText(template);
    const text = async () => {
      const { code } = await transform(raw, { loader: 'css', minify: true });
      // Custom property values keep their spaces in esbuild's output; none of ours needs them.
      return code.trim().replace(/([:,]) /g, '$1') + '\n'.repeat(lineBreaks(raw));
    };
    return [{ start, end, text }];
  }
  if (tag !== 'html' && tag !== 'svg') return [];
  return spans.map((literal) => {
    const { start, end, raw } = literalText(literal);
    return { start, end, text: raw.replace(/\s*\n\s*/g, (space) => '\n'.repeat(lineBreaks(space))) };
  });
}

/** The raw text between a template part's delimiters (` … ${, } … ${, } … `), and where it is. */
function literalText(node) {
  const full = node.getText();
  const start = node.getStart() + 1;
  const closing = full.endsWith('${') ? 2 : 1;
  return { start, end: node.getEnd() - closing, raw: full.slice(1, full.length - closing) };
}

function lineBreaks(text) {
  return text.split('\n').length - 1;
}

/** The plugins of every browser bundle. */
function browserPlugins(tsconfig) {
  return [
    browserOnly(),
    browserSubstitutes(),
    // Lit's production build is its `default` export condition; `development` is never asked for.
    nodeResolve({ browser: true, exportConditions: ['browser', 'module', 'import', 'default'] }),
    // The tus client's own dependencies (url-parse, js-base64's helpers) are CommonJS.
    commonjs(),
    minifyTemplates(),
    esbuild({ target: 'es2022', tsconfig }),
    terser({ format: { comments: false }, ecma: 2022, module: true, compress: { passes: 2 } }),
  ];
}

/** Where a bundle's on-demand chunks go, beside its entry: `chunks/<name>-<hash>.js`. */
const CHUNK_FILE_NAMES = 'chunks/[name]-[hash].js';

/**
 * One minified browser ES module with its dependencies (for the SDK: the client and the
 * session) inside. What the code loads on demand with `import()` (the tus client, for
 * large files only) becomes a chunk beside it under `chunks/`, fetched when first needed.
 */
function browserBundle(input, file, tsconfig = 'packages/sdk/tsconfig.json') {
  return {
    input,
    output: { dir: dirname(file), entryFileNames: basename(file), chunkFileNames: CHUNK_FILE_NAMES, format: 'es', sourcemap: true },
    plugins: [...browserPlugins(tsconfig), removeStaleChunks()],
  };
}

/**
 * Removes the chunks of earlier builds from the bundle's `chunks/` folder: each build's
 * chunks carry their content's hash in their name, and only the new ones belong to it.
 */
function removeStaleChunks() {
  return {
    name: 'remove-stale-chunks',
    async writeBundle({ dir }, bundle) {
      const chunks = join(dir, 'chunks');
      const names = await readdir(chunks).catch(() => []);
      for (const name of names) {
        if (!(`chunks/${name.replace(/\.map$/, '')}` in bundle)) await rm(join(chunks, name));
      }
    },
  };
}

export default [
  {
    ...browserBundle('packages/sdk/src/index.ts', 'packages/sdk/dist/batch-uploader-sdk.js'),
    // As for the element: a chunk that needs something of the entry that the SDK does not
    // export imports it from the entry, rather than the entry becoming a facade over a
    // shared chunk (which a page that copied the one file would not have).
    preserveEntrySignatures: 'allow-extension',
  },
  // <script type="module" src="batch-uploader.js"> registers <batch-uploader>: lit, the SDK and the styles inside.
  // What most pages never use (the history, reading dropped folders, finishing an interrupted upload, the tus
  // client) is in chunks under chunks/ beside it, loaded with a relative import() when needed: copying the
  // folder's batch-uploader.js and chunks/ keeps one script tag working.
  {
    ...browserBundle('packages/element/src/batch-uploader/batch-uploader.ts', 'packages/element/dist/batch-uploader.js', 'packages/element/tsconfig.json'),
    // The chunks import what they share with the entry from the entry itself (no third file to load first).
    preserveEntrySignatures: 'allow-extension',
  },
];
