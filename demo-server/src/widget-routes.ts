import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';
import type { DemoConfig } from './config.js';
import { EXAMPLES, examplePage, type ExampleName } from './pages.js';

/** Where the element's self-contained bundle is built (`rollup -c`), found through the package. */
function bundlePath(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('@batch-uploader/element/package.json');
    return join(dirname(manifest), 'dist', 'batch-uploader.js');
  } catch {
    return null;
  }
}

/** The React, Vue and Angular examples' folder (`demo-server/examples`), beside both `src` and `dist`. */
const examplesDir = fileURLToPath(new URL('../examples/', import.meta.url));
/** The pages' style sheet and the widget page's script (`demo-server/public`). */
const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * The widget demo: `/batch-upload` (the original system's URL) shows `<batch-uploader>`
 * on a plain HTML page, and `/assets/batch-uploader.js` serves the element's bundle.
 * `/examples/react`, `/examples/vue` and `/examples/angular` run the element inside a
 * React, a Vue and an Angular app, bundled from `demo-server/examples` by `npm run build`. Built files that are missing
 * answer 503 with a clear text. The pages' style sheet and script are files under
 * `/assets/demo/`, since their Content-Security-Policy allows no inline script or style.
 * Source maps (`.map`) are served only with `serveSourceMaps`: they show the sources
 * to anyone who asks.
 */
export function widgetRoutes(config: DemoConfig): Router {
  const router = Router();
  const bundle = bundlePath();
  const withMaps = (path: string) => (config.serveSourceMaps ? [path, `${path}.map`] : [path]);

  router.use('/assets/demo', express.static(publicDir, { index: false, redirect: false, setHeaders: (res) => res.set('Cache-Control', 'no-cache') }));

  router.get(withMaps('/assets/batch-uploader.js'), async (req, res) => {
    const file = bundle && (req.path.endsWith('.map') ? `${bundle}.map` : bundle);
    await sendBuilt(res, file, 'The <batch-uploader> bundle has not been built yet. Run `npm run build` (tsc --build && rollup -c) and reload.');
  });
  // What the bundle loads on demand (the tus client, for the first large file): beside it under chunks/.
  router.get('/assets/chunks/:name', async (req, res) => {
    const name = req.params.name ?? '';
    const wanted = /^[\w-]+\.js(\.map)?$/.test(name) && (config.serveSourceMaps || !name.endsWith('.map'));
    const file = wanted && bundle ? join(dirname(bundle), 'chunks', name) : null;
    // A chunk the built bundle does not name is not there: 404, not "build first".
    if (
      !file ||
      !(await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      res.status(404).type('text').send('Not found');
      return;
    }
    await sendBuilt(res, file, 'The <batch-uploader> bundle has not been built yet.');
  });

  router.get('/batch-upload', (_req, res) => {
    res.type('html').send(widgetPage(config));
  });

  for (const name of Object.keys(EXAMPLES) as ExampleName[]) {
    router.get(`/examples/${name}`, (_req, res) => {
      res.type('html').send(examplePage(name, config));
    });
    router.get(withMaps(`/examples/${name}/main.js`), async (req, res) => {
      const file = join(examplesDir, name, 'dist', req.path.endsWith('.map') ? 'main.js.map' : 'main.js');
      await sendBuilt(
        res,
        file,
        `The ${EXAMPLES[name].framework} example has not been built yet. Run \`npm run build\` (it bundles demo-server/examples) and reload.`,
      );
    });
  }

  return router;
}

/** Sends a build output (a script or its source map), or 503 with `missing` while it has not been built. */
async function sendBuilt(res: Response, file: string | null, missing: string): Promise<void> {
  const built = file
    ? await stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
    : false;
  if (!file || !built) {
    res.status(503).type('text').send(missing);
    return;
  }
  res.type(file.endsWith('.map') ? 'application/json' : 'text/javascript');
  res.set('Cache-Control', 'no-cache');
  res.sendFile(file);
}

/** The demo page: the two-line embed, attributes, an event log, a theme and dark mode. */
export function widgetPage(config: DemoConfig): string {
  const api = escapeHtml(config.basePath);
  const tokenField = config.apiTokens
    ? `<p><label>Access token (from <code>API_TOKENS</code>; kept only in this field) <input id="token" type="password" autocomplete="off"></label></p>`
    : '<p class="note"><strong>Dev mode:</strong> <code>API_TOKENS</code> is not set, so no token is needed. Do not use real patient documents.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Batch upload — batch-uploader demo</title>
<link rel="stylesheet" href="/assets/demo/pages.css">
</head>
<body>
<main>
<h1>Batch upload</h1>
<p>Drop up to ${config.maxFiles} PDFs or images, start, and follow every file through processing. Reload the page during a batch: it picks the batch up again.</p>
${tokenField}
<p><label><input id="theme" type="checkbox"> Clinic theme (custom properties and <code>::part</code>)</label></p>

<batch-uploader id="uploader" endpoint="${api}" patient-field="optional" template-id="intake" show-history></batch-uploader>

<h2>Events</h2>
<p>Every <code>batch-*</code> event the element sent, newest last (counts only: the log shows no file names or patient data).</p>
<ol id="log" tabindex="0" aria-label="Event log"></ol>

<h2>On your page</h2>
<pre tabindex="0" aria-label="The two lines">&lt;script type="module" src="/assets/batch-uploader.js"&gt;&lt;/script&gt;
&lt;batch-uploader endpoint="${api}"&gt;&lt;/batch-uploader&gt;</pre>
<p>This page also sets <code>patient-field="optional"</code>, <code>template-id="intake"</code> and <code>show-history</code>. Other attributes:
<code>patient-id</code>, <code>encounter-id</code>, <code>max-files</code>, <code>max-file-size</code> (e.g. <code>50MB</code>), <code>accept</code>, <code>poll-interval</code>.
Properties: <code>getAuthToken</code>, <code>headers</code>, <code>session</code>, <code>client</code>, <code>strings</code>.</p>

<h2>In a React or Vue app</h2>
<p>The same element, imported from <code>@batch-uploader/element</code> by an app's bundler, with properties set and typed events handled by the framework:
the <a href="/examples/react">React example</a>, the <a href="/examples/vue">Vue example</a> and the <a href="/examples/angular">Angular example</a> (sources and how-to in <code>demo-server/examples</code>).</p>
<p><a href="/">About this server</a></p>
</main>

<script type="module" src="/assets/demo/widget-page.js"></script>
<script type="module" src="/assets/batch-uploader.js"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
