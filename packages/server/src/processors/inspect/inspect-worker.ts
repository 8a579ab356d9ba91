import { parentPort } from 'node:worker_threads';
import { inspectDocument, loadParsers } from './inspect-document.js';
import type { InspectReply, InspectRequest } from './worker-messages.js';
import { serializeError } from './worker-messages.js';

// The parser thread of the inspect processor: one request at a time, answered in order.
if (!parentPort) throw new Error('inspect-worker runs only as a worker thread.');
const port = parentPort;

await loadParsers();
port.on('message', (request: InspectRequest) => {
  void answer(request);
});
post({ type: 'ready' });

async function answer(request: InspectRequest): Promise<void> {
  try {
    // The bytes were moved to this thread for this request alone: the parser may keep them.
    const result = await inspectDocument(request.bytes, { maxTextChars: request.maxTextChars, handOver: true });
    post({ type: 'done', result });
  } catch (error) {
    post({ type: 'failed', error: serializeError(error) });
  }
}

function post(reply: InspectReply): void {
  port.postMessage(reply);
}
