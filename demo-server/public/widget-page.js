// The script of the demo page at /batch-upload, served from a file: the page's
// Content-Security-Policy (script-src 'self') runs no inline script.
const uploader = document.getElementById('uploader');
const token = document.getElementById('token');
if (token) uploader.getAuthToken = () => token.value.trim() || null;
document.getElementById('theme').addEventListener('change', (event) => uploader.classList.toggle('clinic', event.target.checked));

const log = document.getElementById('log');
// One line per event of BatchUploaderEventMap (packages/element/src/events.ts).
const describe = {
  'batch-files-added': (d) => d.files.length + ' file(s) added',
  'batch-files-rejected': (d) => d.rejected.length + ' file(s) refused: ' + [...new Set(d.rejected.map((r) => r.code))].join(', '),
  'batch-created': (d) => 'batch ' + d.batchId + ' created with ' + d.totalFiles + ' file(s)',
  'batch-progress': (d) => d.phase + ' ' + d.percent + '% (' + d.counts.completed + ' completed, ' + d.counts.failed + ' failed)',
  'batch-paused': (d) => 'batch ' + d.batchId + ' paused',
  'batch-resumed': (d) => 'batch ' + d.batchId + ' resumed',
  'batch-retried': (d) => 'batch ' + d.batchId + ': ' + d.retried + ' failed file(s) retried' + (d.notRetryable ? ', ' + d.notRetryable + ' could not be' : ''),
  'batch-complete': (d) => 'batch ' + d.batchId + ' ' + d.status + ': ' + d.summary,
  'batch-error': (d) => d.code + ': ' + d.message,
};
let lastProgress = null;
for (const [type, text] of Object.entries(describe)) {
  uploader.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = new Date().toLocaleTimeString() + '  ' + type + '  ' + text(event.detail);
    // Progress comes often: keep one line for the latest.
    if (type === 'batch-progress' && lastProgress) lastProgress.replaceWith(item);
    else log.append(item);
    lastProgress = type === 'batch-progress' ? item : null;
    log.scrollTop = log.scrollHeight;
  });
}

// A batch email links to /batch-upload#batch=<id> (the id only: nothing else about the
// batch is in the URL). Open that batch in the history, on arrival and when the fragment
// changes on the open page.
function openLinkedBatch() {
  const match = /^#batch=([\w-]{1,64})$/.exec(location.hash);
  if (match) customElements.whenDefined('batch-uploader').then(() => uploader.openBatch(match[1]));
}
openLinkedBatch();
addEventListener('hashchange', openLinkedBatch);
