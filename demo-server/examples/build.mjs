// Bundles the React and Vue examples the way an app's bundler would: bare imports of
// `@batch-uploader/element` (its npm build, `tsc --build` first), lit, the SDK and the
// framework resolved from node_modules. The demo server serves the results at
// /examples/react and /examples/vue. Run by `npm run build` after tsc and rollup.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

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
    // The templates are compiled in the browser, so the build with Vue's template compiler.
    alias: { vue: 'vue/dist/vue.esm-bundler.js' },
    define: {
      ...common.define,
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  }),
]);
