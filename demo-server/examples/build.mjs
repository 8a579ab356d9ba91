// Bundles the React and Vue examples the way an app's bundler would: bare imports of
// `@batch-uploader/element` (its npm build, `tsc --build` first), lit, the SDK and the
// framework resolved from node_modules. The demo server serves the results at
// /examples/react and /examples/vue. Run by `npm run build` after tsc and rollup.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileTemplate } from 'vue/compiler-sfc';

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
 * Compiles `*.template.html` files to a module exporting their render function, as Vue's
 * own bundler plugins do for single-file components. Compiling ahead keeps Vue's
 * template compiler out of the page, which would need `'unsafe-eval'` in the page's
 * Content-Security-Policy. Vue's compiler must know that <batch-uploader> is a custom
 * element, or it looks for a Vue component of that name.
 */
const vueTemplates = {
  name: 'vue-templates',
  setup(build) {
    build.onLoad({ filter: /\.template\.html$/ }, async ({ path }) => {
      const { code, errors } = compileTemplate({
        source: await readFile(path, 'utf8'),
        filename: path,
        id: path,
        compilerOptions: { isCustomElement: (tag) => tag === 'batch-uploader' },
      });
      return { contents: code, loader: 'js', errors: errors.map((error) => ({ text: String(error) })) };
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
    // Templates are compiled here, so the page gets Vue's runtime only.
    plugins: [vueTemplates],
    define: {
      ...common.define,
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  }),
]);
