// Bundles the React, Vue and Angular examples the way an app's bundler would: bare imports of
// `@batch-uploader/element` (its npm build, `tsc --build` first), lit, the SDK and the
// framework resolved from node_modules. The demo server serves the results at
// /examples/react and /examples/vue. Run by `npm run build` after tsc and rollup.
import { transformAsync } from '@babel/core';
import { formatDiagnostics, performCompilation, readConfiguration } from '@angular/compiler-cli';
import { needsLinking } from '@angular/compiler-cli/linker';
import angularLinker from '@angular/compiler-cli/linker/babel';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileScript, parse } from 'vue/compiler-sfc';

const here = fileURLToPath(new URL('.', import.meta.url));

/** What every example shares: one minified browser ES module with a source map. */
const common = {
  absWorkingDir: here,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

/**
 * Compiles Vue single-file components (`*.vue`) as Vue's own bundler plugins do: the
 * `<script setup lang="ts">` with its template inlined as a render function, TypeScript
 * then stripped by esbuild. Compiling ahead keeps Vue's template compiler out of the
 * page, which would need `'unsafe-eval'` in the page's Content-Security-Policy. Vue's
 * compiler must know that <batch-uploader> is a custom element, or it looks for a Vue
 * component of that name.
 */
const vueFiles = {
  name: 'vue-sfc',
  setup(build) {
    build.onLoad({ filter: /\.vue$/ }, async ({ path }) => {
      const { descriptor, errors } = parse(await readFile(path, 'utf8'), { filename: path });
      if (errors.length > 0) return { errors: errors.map((error) => ({ text: String(error) })) };
      const script = compileScript(descriptor, {
        id: path,
        inlineTemplate: true,
        templateOptions: { compilerOptions: { isCustomElement: (tag) => tag === 'batch-uploader' } },
      });
      return { contents: script.content, loader: 'ts', resolveDir: dirname(path) };
    });
  },
};

/**
 * Compiles the Angular example ahead of time with Angular's compiler (ngc), as Angular's
 * own build does: templates become code (no compiler in the page, no eval under the CSP),
 * and are type-checked (`strictTemplates`: an event handler gets the element's typed
 * event). Writes JavaScript to angular/dist/aot for esbuild to bundle.
 */
function compileAngular() {
  const config = readConfiguration(join(here, 'angular/tsconfig.json'));
  const { diagnostics } = performCompilation({ rootNames: config.rootNames, options: config.options });
  if (diagnostics.length > 0) throw new Error(`The Angular example does not compile:\n${formatDiagnostics(diagnostics)}`);
}

/**
 * Angular's own packages are published half compiled (`ɵɵngDeclare…` calls): Angular's
 * linker finishes them at build time, as Angular's build does, or the page would need
 * Angular's compiler at run time (and eval).
 */
const angularLinking = {
  name: 'angular-linker',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@angular[\\/].*\.mjs$/ }, async ({ path }) => {
      const code = await readFile(path, 'utf8');
      if (!needsLinking(path, code)) return undefined;
      const linked = await transformAsync(code, {
        filename: path,
        plugins: [angularLinker],
        compact: false,
        sourceMaps: 'inline',
        babelrc: false,
        configFile: false,
      });
      return { contents: linked.code, loader: 'js' };
    });
  },
};

compileAngular();

await Promise.all([
  build({
    ...common,
    entryPoints: ['react/src/main.tsx'],
    outfile: 'react/dist/main.js',
    // React 19's automatic runtime: no `import React` in every file.
    jsx: 'automatic',
  }),
  build({
    ...common,
    entryPoints: ['vue/src/main.ts'],
    outfile: 'vue/dist/main.js',
    // Components are compiled here, so the page gets Vue's runtime only.
    plugins: [vueFiles],
    define: {
      ...common.define,
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  }),
  build({
    ...common,
    entryPoints: ['angular/dist/aot/main.js'],
    outfile: 'angular/dist/main.js',
    plugins: [angularLinking],
    // Angular's production mode, as its own build sets it: development checks left out.
    define: { ...common.define, ngDevMode: 'false', ngJitMode: 'false', ngI18nClosureMode: 'false' },
  }),
]);
