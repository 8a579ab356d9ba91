/**
 * The React wrapper (`@batch-uploader/element/react`) in real Chromium, in a React 18 app
 * (fixtures/react-18) and a React 19 app, bundled with esbuild from the built package as
 * an app's bundler would. React 18 on its own passes every prop to a custom element as an
 * attribute and never hears its events; through the wrapper the app's `getAuthToken`
 * function, `strings` object and `maxFileSize` reach the element as properties, and its
 * `onBatch…` props hear the events. The server wants a token, so the upload only gets
 * through if the function arrived as a property. Needs the build (`tsc --build`).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build, type Plugin } from 'esbuild';
import { chooseFiles } from '@batch-uploader/test-support/browser';
import { demoInChromium, type DemoInChromium } from '@batch-uploader/test-support/demo-server';
import { PACKAGE_DIR } from '../scripts/integrations.js';

const ROOT = join(PACKAGE_DIR, '../..');
const TOKEN = 'react-wrapper-token-clinic-a';

/**
 * The app: the wrapper with a function, an object and text as properties, and the events it
 * hears written into the app's own list (light DOM) from their `detail`.
 */
const APP = `
import * as React from 'react';
import * as ReactDOM from 'react-dom/client';
import { BatchUploader } from '@batch-uploader/element/react';

function App() {
  const [heard, setHeard] = React.useState([]);
  const hear = (line) => setHeard((lines) => [...lines, line]);
  const getAuthToken = React.useCallback(() => ${JSON.stringify(TOKEN)}, []);
  return React.createElement('main', null,
    React.createElement('h1', null, 'React ' + React.version),
    React.createElement(BatchUploader, {
      endpoint: '/api/gp',
      patientField: 'hidden',
      maxFileSize: '4KB',
      getAuthToken,
      strings: { dropZone: 'Drop the clinic documents here' },
      onBatchFilesAdded: (e) => hear('added ' + e.detail.files.length),
      onBatchFilesRejected: (e) => hear('rejected ' + e.detail.rejected.map((r) => r.code).join(' ')),
      onBatchComplete: (e) => hear('complete ' + e.detail.status + ': ' + e.detail.counts.completed + ' completed'),
      onBatchError: (e) => hear('error ' + e.detail.code),
    }),
    React.createElement('ul', { 'aria-label': 'Heard' }, heard.map((line, i) => React.createElement('li', { key: i }, line))),
  );
}

ReactDOM.createRoot(document.getElementById('app')).render(React.createElement(App));
`;

/** Resolves react and react-dom, wherever imported from (the wrapper too), from `dir`: one React per app. */
function reactFrom(dir: string): Plugin {
  return {
    name: 'react-from',
    setup(b) {
      b.onResolve({ filter: /^react(-dom)?(\/.*)?$/ }, async (args) => {
        if (args.pluginData === 'react-from') return undefined;
        return b.resolve(args.path, { kind: args.kind, resolveDir: dir, pluginData: 'react-from' });
      });
    },
  };
}

/** The app bundled with the React of `dir`. */
async function bundle(dir: string): Promise<string> {
  const result = await build({
    stdin: { contents: APP, resolveDir: PACKAGE_DIR, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [reactFrom(dir)],
  });
  return result.outputFiles[0]!.text;
}

let server: DemoInChromium['server'];
let browser: DemoInChromium['browser'];
let docs: DemoInChromium['docs'];
let demo: DemoInChromium | undefined;

before(async () => {
  // With tokens, an upload only gets through if the app really set the element's getAuthToken property.
  demo = await demoInChromium({ apiTokens: new Map([[TOKEN, 'clinic-a']]) });
  ({ server, browser, docs } = demo);
});

after(() => demo?.close());

describe('the React wrapper', () => {
  for (const [version, dir] of [
    ['18', join(ROOT, 'fixtures/react-18')],
    ['19', ROOT],
  ] as const) {
    it(`in React ${version}, sets the element's properties and hands its events to the app`, async () => {
      const script = await bundle(dir);
      const context = await browser.newContext();
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // The app's page on the server's origin (so /api/gp is the real server), served by the browser itself.
      await page.route(`${server.url}/react-wrapper/**`, (route) =>
        route.request().url().endsWith('.js')
          ? route.fulfill({ contentType: 'text/javascript', body: script })
          : route.fulfill({
              contentType: 'text/html',
              body: '<!doctype html><title>Wrapper</title><div id="app"></div><script type="module" src="app.js"></script>',
            }),
      );
      await page.goto(`${server.url}/react-wrapper/`);
      await page.getByRole('heading', { name: new RegExp(`^React ${version}\\.`) }).waitFor();

      // `strings` arrived as an object: the drop zone says the app's words.
      await chooseFiles(page.getByRole('button', { name: /Drop the clinic documents here/ }), [
        { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
        { name: 'wound.png', mimeType: 'image/png', buffer: Buffer.from(docs.png) },
      ]);
      const heard = page.getByRole('list', { name: 'Heard' }).getByRole('listitem');
      // `maxFileSize: '4KB'` arrived as a property: the 8 KB image is refused, the 1 KB PDF added.
      await heard.filter({ hasText: 'rejected' }).waitFor();
      await page.getByRole('button', { name: 'Start Batch Upload (1 file)' }).click();
      await heard.filter({ hasText: 'complete' }).waitFor({ timeout: 20_000 });
      assert.deepEqual(await heard.allTextContents(), ['added 1', 'rejected FILE_TOO_LARGE', 'complete completed: 1 completed']);
      assert.deepEqual(pageErrors, []);
      await context.close();
    });
  }
});
