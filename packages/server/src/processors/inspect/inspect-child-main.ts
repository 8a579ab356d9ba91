import sharp from 'sharp';
import { fileError } from './file-error.js';
import { inspectDocument, loadParsers } from './inspect-document.js';
import { isOutOfMemory } from './out-of-memory.js';
import type { InspectReply, InspectRequest } from './worker-messages.js';
import { serializeError } from './worker-messages.js';

// A parser process of the inspect processor: one request at a time, answered in order.
// The server caps its memory; a file that needs more fails as TOO_COMPLEX, and the
// server replaces the process.
if (!process.send) throw new Error('inspect-child-main runs only as a child process with a message channel.');

// Nothing is kept between documents: libvips's operation cache would hold memory
// (and decoded results) from one file into the next.
sharp.cache(false);
await loadParsers();
// The server went away: nothing more will come.
process.on('disconnect', () => process.exit(0));
process.on('message', (request: InspectRequest) => {
  void answer(request);
});
post({ type: 'ready' });

async function answer(request: InspectRequest): Promise<void> {
  try {
    // The bytes were copied to this process for this request alone: the parser may keep
    // them, unless they are read again after.
    const options = { ...request.budget, maxTextChars: request.maxTextChars, handOver: !request.read };
    const result = await inspectDocument(request.bytes, options);
    if (request.read) {
      // Loaded on first use: a process of the plain inspector never loads OCR.
      const { readDocument } = await import('../documents/read-document.js');
      result.document = await readDocument(request.bytes, {
        template_id: request.read.template_id,
        templates: request.read.templates,
        maxPages: request.read.maxPages,
      });
    }
    post({ type: 'done', result });
  } catch (error) {
    post({ type: 'failed', error: serializeError(isOutOfMemory(error) ? fileError('TOO_COMPLEX', error) : error) });
  }
}

function post(reply: InspectReply): void {
  process.send!(reply);
}
