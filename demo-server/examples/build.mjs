// Bundles the React and Vue examples the way an app's bundler would: bare imports of
// `@batch-uploader/element` (its npm build, `tsc --build` first), lit, the SDK and the
// framework resolved from node_modules. The demo server serves the results at
// /examples/react and /examples/vue. Run by `npm run build` after tsc and rollup.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
]);
