import type { DemoConfig } from './config.js';

/** The page at `/`: what this server is and how to talk to it. */
export function landingPage(config: DemoConfig): string {
  const api = escapeHtml(config.basePath);
  const base = `http://localhost:${config.port || 3000}`;
  const auth = config.apiTokens
    ? '<p>Requests need <code>Authorization: Bearer &lt;token&gt;</code> (tokens come from <code>API_TOKENS</code>).</p>'
    : '<p class="warn"><strong>Dev mode:</strong> <code>API_TOKENS</code> is not set, so anonymous callers share one workspace. Do not use it with real patient documents.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>batch-uploader server</title>
<link rel="stylesheet" href="/assets/demo/pages.css">
</head>
<body class="narrow">
<h1>batch-uploader</h1>
<p>This server takes up to ${config.maxFiles} medical documents (PDF, PNG, JPEG, TIFF, WebP) in one upload and processes them in the background.</p>
${auth}
<p><a href="/batch-upload">Open the upload widget</a>: <code>&lt;batch-uploader&gt;</code> on a plain page, with an event log and a theme.
The same element inside apps: the <a href="/examples/react">React example</a>, the <a href="/examples/vue">Vue example</a> and the <a href="/examples/angular">Angular example</a>.</p>
<h2>Try it</h2>
<pre>curl -X POST ${base}${api}/batch-upload -F "files=@file1.pdf" -F "files=@file2.pdf"
curl ${base}${api}/batch-status/&lt;batch_id&gt;
curl ${base}${api}/batch-history</pre>
<h2>Endpoints</h2>
<ul>
  <li><code>POST ${api}/batch-upload</code> — multipart <code>files</code>, optional <code>patient_id</code>, <code>template_id</code>, <code>encounter_id</code>, <code>priority</code></li>
  <li><code>GET ${api}/batch-status/{batch_id}</code> — the batch and each file</li>
  <li><code>GET ${api}/batch-events/{batch_id}</code> — live Server-Sent Events</li>
  <li><code>POST ${api}/batch/{batch_id}/cancel</code> — cancel pending files</li>
  <li><code>GET ${api}/batch-history</code> — recent batches, newest first</li>
  <li><code>GET ${api}/limits</code> — what this server accepts</li>
</ul>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The framework examples of `demo-server/examples`, by the name in their URL and folder. */
export const EXAMPLES = {
  react: { framework: 'React', runs: 'React 19 sets the properties and listens to the events itself' },
  vue: { framework: 'Vue', runs: "Vue 3's template compiler treats the tag as a custom element" },
  angular: { framework: 'Angular', runs: "Angular's CUSTOM_ELEMENTS_SCHEMA lets its compiler bind the element's properties and events" },
} as const;

export type ExampleName = keyof typeof EXAMPLES;

/**
 * The page of a framework example at `/examples/<name>`: the app's mount point, told where
 * the API is mounted and whether to ask for a token (the app reads both from its data
 * attributes), and the app's bundle built from `demo-server/examples/<name>`.
 */
export function examplePage(name: ExampleName, config: DemoConfig): string {
  const { framework, runs } = EXAMPLES[name];
  const api = escapeHtml(config.basePath);
  const auth = config.apiTokens
    ? '<p>This server wants a token (from <code>API_TOKENS</code>): the app keeps it only in its own state and hands it to the element.</p>'
    : '<p class="warn"><strong>Dev mode:</strong> <code>API_TOKENS</code> is not set, so no token is needed. Do not use real patient documents.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${framework} example — batch-uploader demo</title>
<link rel="stylesheet" href="/assets/demo/pages.css">
</head>
<body>
<div id="app" data-endpoint="${api}" data-auth="${config.apiTokens ? 'token' : 'none'}"><p>Loading the ${framework} app…</p></div>
<noscript><p>The ${framework} example needs JavaScript.</p></noscript>
<footer>
${auth}
<p>${runs}. Source and how to use the element in your own ${framework} app: <code>demo-server/examples/${name}</code>.
<a href="/batch-upload">The plain HTML page</a> · <a href="/">About this server</a></p>
</footer>
<script type="module" src="/examples/${name}/main.js"></script>
</body>
</html>`;
}
