// Browser bundles. TypeScript is compiled by `tsc --build` for Node; rollup only makes
// the self-contained ES modules a page loads with one <script type="module">.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

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

/** One minified browser ES module with its dependencies (ky; for the element also lit and the SDK) inside. */
function browserBundle(input, file, tsconfig = 'packages/sdk/tsconfig.json') {
  return {
    input,
    output: { file, format: 'es', sourcemap: true },
    plugins: [
      browserOnly(),
      nodeResolve({ browser: true, exportConditions: ['browser', 'module', 'import', 'default'] }),
      esbuild({ target: 'es2022', tsconfig }),
      terser({ format: { comments: false }, ecma: 2022, module: true, compress: { passes: 2 } }),
    ],
  };
}

export default [
  browserBundle('packages/sdk/src/index.ts', 'packages/sdk/dist/batch-uploader-sdk.js'),
  // <script type="module" src="batch-uploader.js"> registers <batch-uploader>: lit, the SDK and the styles inside.
  browserBundle(
    'packages/element/src/batch-uploader/batch-uploader.ts',
    'packages/element/dist/batch-uploader.js',
    'packages/element/tsconfig.json',
  ),
];
