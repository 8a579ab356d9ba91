import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpProcessorContext } from '../src/index.js';
import type { RetryResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { upload, waitForFinished } from '@batch-uploader/test-support/http';

/** One request the service got. */
interface Call {
  headers: IncomingHttpHeaders;
  context: HttpProcessorContext;
  body: Buffer;
}

/** A processing service on 127.0.0.1; `reply` decides each answer from the call and how many came before for that file. */
async function startService() {
  const service = {
    url: '',
    calls: [] as Call[],
    reply: (_call: Call, _previous: number): { status: number; body: string; delayMs?: number } => ({ status: 200, body: '{}' }),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call: Call = {
        headers: req.headers,
        context: JSON.parse(req.headers['x-batch-uploader-context'] as string) as HttpProcessorContext,
        body: Buffer.concat(chunks),
      };
      const previous = service.calls.filter((c) => c.context.file_id === call.context.file_id).length;
      service.calls.push(call);
      const answer = service.reply(call, previous);
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
      }, answer.delayMs ?? 0);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`;
  service.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return service;
}

let docs: Documents;
let service: Awaited<ReturnType<typeof startService>>;
let server: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  docs = await documents();
  service = await startService();
  server = await startTestServer({ processorUrl: service.url, processorTimeoutMs: 1_000 });
});
after(async () => {
  await server.close();
  await service.close();
});

describe('the HTTP processor (PROCESSOR_URL)', () => {
  it("POSTs each file's bytes with its context, and stores the JSON the service answers", async () => {
    service.calls.length = 0;
    service.reply = (call) => ({ status: 200, body: JSON.stringify({ pages: 1, bytes: call.body.length, kind: 'referral' }) });
    const res = await upload(
      server.api,
      [
        { name: 'Überweisung 1.pdf', data: docs.pdf },
        { name: 'scan.png', data: docs.png },
      ],
      {
        patient_id: 'P-77',
        template_id: 'referral',
      },
    );
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await waitForFinished(server.api, batch_id);
    assert.equal(batch.status, 'completed');
    assert.deepEqual(batch.files[0]!.result, { pages: 1, bytes: docs.pdf.length, kind: 'referral' });

    const first = service.calls.find((c) => c.context.file_id === batch.files[0]!.file_id)!;
    assert.ok(first.body.equals(Buffer.from(docs.pdf)), 'the raw bytes, unchanged');
    assert.equal(first.headers['content-type'], 'application/pdf');
    assert.equal(service.calls.find((c) => c.context.file_id === batch.files[1]!.file_id)!.headers['content-type'], 'image/png');
    assert.deepEqual(first.context, {
      file_id: batch.files[0]!.file_id,
      batch_id,
      workspace_id: 'dev',
      filename: 'Überweisung 1.pdf',
      size: docs.pdf.length,
      detected_type: 'application/pdf',
      attempt: 1,
      patient_id: 'P-77',
      template_id: 'referral',
      encounter_id: null,
    });
    assert.match(first.headers['x-batch-uploader-context'] as string, /^[\x20-\x7e]+$/, 'the header is plain ASCII');
  });

  it("a 4xx fails the file at once with a clerk-readable reason, never the service's text; a retry after the fix completes it", async () => {
    service.calls.length = 0;
    let fixed = false;
    service.reply = () =>
      fixed
        ? { status: 200, body: '{"ok":true}' }
        : { status: 422, body: JSON.stringify({ error: { code: 'UNREADABLE_SCAN', message: 'Text found: Jane Doe, born 1970-01-01' } }) };
    const res = await upload(server.api, [{ name: 'blurry.png', data: docs.png }]);
    const { batch_id } = (await res.json()) as UploadResponse;
    const failed = await waitForFinished(server.api, batch_id);
    const file = failed.files[0]!;
    assert.equal(file.status, 'failed');
    assert.equal(file.attempts, 1, 'a permanent error is not retried');
    assert.deepEqual(file.error, { code: 'UNREADABLE_SCAN', message: 'The processing service could not read this document.' });
    assert.doesNotMatch(JSON.stringify(failed), /Jane Doe/);

    fixed = true;
    const retry = await fetch(`${server.api}/batch/${batch_id}/retry`, { method: 'POST' });
    const body = (await retry.json()) as RetryResponse;
    assertConforms('POST', '/batch/{batch_id}/retry', 200, body);
    const done = await waitForFinished(server.api, batch_id);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.files[0]!.result, { ok: true });
  });

  it('5xx answers and timeouts are retried with backoff; a file that never gets an answer fails after its attempts', async () => {
    service.calls.length = 0;
    service.reply = (call, previous) => {
      if (call.context.filename === 'slow.png') return { status: 200, body: '{}', delayMs: 3_000 };
      return previous < 2 ? { status: 503, body: '{"error":"overloaded"}' } : { status: 200, body: '{"third":"time"}' };
    };
    const res = await upload(server.api, [
      { name: 'flaky.png', data: docs.png },
      { name: 'slow.png', data: docs.png },
    ]);
    const { batch_id } = (await res.json()) as UploadResponse;
    const batch = await waitForFinished(server.api, batch_id, {}, 40_000);
    const [flaky, slow] = batch.files;
    assert.equal(flaky!.status, 'completed');
    assert.equal(flaky!.attempts, 3);
    assert.deepEqual(flaky!.result, { third: 'time' });
    assert.deepEqual(
      service.calls.filter((c) => c.context.filename === 'flaky.png').map((c) => c.context.attempt),
      [1, 2, 3],
    );
    assert.equal(slow!.status, 'failed');
    assert.equal(slow!.error?.code, 'PROCESSING_FAILED');
    assert.equal(slow!.attempts, 3);
  });
});
