import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createHttpProcessor, isPermanentError, isTransientError, type ProcessorContext, type ProcessorFile } from '../src/index.js';

let server: Server;
let url = '';
let answer: (res: ServerResponse) => void = (res) => res.end('{}');

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const bytes = Buffer.from('%PDF-1.4 fake');
const file: ProcessorFile = {
  file_id: 'f1',
  batch_id: 'b1',
  filename: 'scan.pdf',
  size: bytes.length,
  detected_type: 'application/pdf',
  declared_type: null,
  open: () => Readable.from([bytes]),
  read: async () => bytes,
};

function context(signal = new AbortController().signal): ProcessorContext {
  return { signal, attempt: 1, workspace_id: 'ws', patient_id: null, template_id: null, encounter_id: null };
}

async function outcome(reply: (res: ServerResponse) => void, options: { maxResultBytes?: number; timeoutMs?: number } = {}): Promise<unknown> {
  answer = reply;
  return createHttpProcessor({ url, ...options })(file, context()).catch((error: unknown) => error);
}

describe('createHttpProcessor', () => {
  it('checks its options', () => {
    assert.throws(() => createHttpProcessor({ url: 'not a url' }), /url/);
    assert.throws(() => createHttpProcessor({ url: 'ftp://x' }), /http/);
    assert.throws(() => createHttpProcessor({ url, timeoutMs: 0 }), /timeoutMs/);
  });

  it('an empty 2xx answer is a null result; a 2xx that is not JSON is transient', async () => {
    assert.equal(await outcome((res) => res.writeHead(204).end()), null);
    const notJson = await outcome((res) => res.end('<html>ok</html>'));
    assert.ok(isTransientError(notJson));
  });

  it('429 and 503 are transient and honour Retry-After; a redirect is transient', async () => {
    const busy = await outcome((res) => res.writeHead(429, { 'Retry-After': '2' }).end());
    assert.ok(isTransientError(busy) && busy.options.retryAfterMs === 2_000);
    const down = await outcome((res) => res.writeHead(503).end('down'));
    assert.ok(isTransientError(down) && down.options.retryAfterMs === undefined);
    const moved = await outcome((res) => res.writeHead(302, { Location: 'http://elsewhere.example/' }).end());
    assert.ok(isTransientError(moved) && /redirect/.test(moved.message));
  });

  it('a 4xx is permanent: a well-formed code of the service is kept, its text never', async () => {
    const coded = await outcome((res) => res.writeHead(422).end(JSON.stringify({ code: 'BLANK_PAGE', message: 'Patient Jane Doe' })));
    assert.ok(isPermanentError(coded));
    assert.equal(coded.code, 'BLANK_PAGE');
    assert.doesNotMatch(coded.message, /Jane/);
    const plain = await outcome((res) => res.writeHead(415).end('we do not do TIFF'));
    assert.ok(isPermanentError(plain) && plain.code === 'REJECTED_BY_PROCESSOR');
    assert.equal(plain.message, 'The processing service does not accept this type of document.');
    const odd = await outcome((res) => res.writeHead(409).end(JSON.stringify({ error: { code: 'lower case <b>' } })));
    assert.ok(isPermanentError(odd) && odd.code === 'REJECTED_BY_PROCESSOR' && odd.message === 'The processing service refused this document.');
  });

  it('an answer larger than maxResultBytes fails the file', async () => {
    const large = await outcome((res) => res.end(JSON.stringify({ text: 'x'.repeat(5_000) })), { maxResultBytes: 1_000 });
    assert.ok(isPermanentError(large) && large.code === 'RESULT_TOO_LARGE');
  });

  it("no answer in time, or no service at all, is transient; the engine's own abort passes through", async () => {
    const slow = await outcome((res) => setTimeout(() => res.end('{}'), 1_000), { timeoutMs: 100 });
    assert.ok(isTransientError(slow) && /in time/.test(slow.message));
    const nobody = await createHttpProcessor({ url: 'http://127.0.0.1:9/none' })(file, context()).catch((e: unknown) => e);
    assert.ok(isTransientError(nobody) && /reached/.test(nobody.message));

    answer = (res) => setTimeout(() => res.end('{}'), 1_000);
    const controller = new AbortController();
    const reason = new Error('lease lost');
    const running = createHttpProcessor({ url })(file, context(controller.signal)).catch((e: unknown) => e);
    setTimeout(() => controller.abort(reason), 50);
    assert.equal(await running, reason);
  });
});
