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
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2937; }
  code, pre { font-family: ui-monospace, monospace; background: #f3f4f6; border-radius: 4px; }
  pre { padding: .75rem; overflow-x: auto; }
  .warn { background: #fef3c7; padding: .5rem .75rem; border-radius: 4px; }
  @media (prefers-color-scheme: dark) { body { background: #111827; color: #e5e7eb; } code, pre { background: #1f2937; } .warn { background: #78350f; } }
</style>
</head>
<body>
<h1>batch-uploader</h1>
<p>This server takes up to ${config.maxFiles} medical documents (PDF, PNG, JPEG, TIFF, WebP) in one upload and processes them in the background.</p>
${auth}
<p><a href="/batch-upload">Open the upload widget</a>: <code>&lt;batch-uploader&gt;</code> on a plain page, with an event log and a theme.</p>
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
