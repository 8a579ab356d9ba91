import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import type { UploadResponse, WebhookEvent } from '@batch-uploader/protocol';
import { verifyWebhookSignature } from '../src/index.js';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertMatchesSchema } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

const SECRET = 'webhook-secret-0123456789abcdef';

/** One request the receiver got. */
interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered; 0 while the request is held without an answer. */
  answered: number;
  /** True while the sender still waits on this request (its connection is open). */
  waiting: () => boolean;
}

/**
 * A webhook receiver on 127.0.0.1 that answers with whatever `answer` says for each
 * request; `null` never answers (the request hangs until the receiver closes).
 */
async function startReceiver(): Promise<{ url: string; received: Received[]; answer: (n: number) => number | null; close: () => Promise<void> }> {
  const receiver = {
    url: '',
    received: [] as Received[],
    answer: (_n: number): number | null => 200,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = receiver.answer(receiver.received.length);
      receiver.received.push({
        at: Date.now(),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answered: status ?? 0,
        waiting: () => !res.writableEnded && !req.socket.destroyed,
      });
      if (status !== null) res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver is down');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** The event a request carried, checked against the OpenAPI document's webhook schemas. */
function event(request: Received): WebhookEvent {
  const body = JSON.parse(request.body) as WebhookEvent;
  assertMatchesSchema(body.type === 'batch.completed' ? 'BatchCompletedEvent' : 'FileFailedEvent', body);
  return body;
}

let docs: Documents;
before(async () => {
  docs = await documents();
});

describe('webhooks', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.close());

  it('a receiver that fails twice gets batch.completed on the third attempt, signed, with ids and counts only', async () => {
    receiver.received.length = 0;
    receiver.answer = (n) => (n < 2 ? 503 : 200);
    const server = await startTestServer({ webhookUrl: receiver.url, webhookSecret: SECRET });
    try {
      const uploadedAt = Math.floor(Date.now() / 1000);
      const res = await upload(
        server.api,
        [
          { name: 'hook-secret-name.png', data: docs.png },
          { name: 'other.pdf', data: docs.pdf },
        ],
        { patient_id: 'patient-hook-7' },
      );
      const { batch_id } = (await res.json()) as UploadResponse;
      const batch = await waitForFinished(server.api, batch_id);
      await waitFor(() => Promise.resolve(receiver.received.some((r) => r.answered === 200)), 15_000);

      assert.equal(receiver.received.length, 3, 'two failed attempts, then one delivery');
      assert.deepEqual(
        receiver.received.map((r) => r.answered),
        [503, 503, 200],
      );
      const ids = new Set(receiver.received.map((r) => r.headers['x-batch-uploader-delivery']));
      assert.equal(ids.size, 1, 'every attempt carries the same event id');
      assert.ok(receiver.received[1]!.at - receiver.received[0]!.at >= 400, 'retried after a backoff, not at once');
      assert.ok(Date.parse(batch.finished_at!) <= receiver.received[2]!.at, 'processing did not wait for the receiver');

      for (const request of receiver.received) {
        const header = request.headers['x-batch-uploader-signature'] as string;
        assert.ok(verifyWebhookSignature(SECRET, request.body, header), 'the signature verifies');
        assert.ok(!verifyWebhookSignature('another-secret-0123456789', request.body, header));
        assert.ok(!verifyWebhookSignature(SECRET, request.body.replace('completed', 'failed'), header), 'a changed body does not verify');
        // The documented recipe, by hand: t=<unix seconds>,v1=hex(HMAC-SHA256(secret, "<t>.<body>")).
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)!;
        assert.equal(v1, createHmac('sha256', SECRET).update(`${t}.${request.body}`).digest('hex'));
        assert.ok(Number(t) >= uploadedAt && Number(t) <= Math.ceil(request.at / 1000), 'the timestamp is the time of the attempt');
        assert.equal(request.headers['content-type'], 'application/json');
        assert.equal(request.headers['x-batch-uploader-event'], 'batch.completed');
        assert.doesNotMatch(request.body, /patient-hook-7|hook-secret-name|other\.pdf/, 'no patient data, no filenames');
      }
      const delivered = event(receiver.received[2]!);
      assert.equal(delivered.type, 'batch.completed');
      assert.equal(delivered.id, ids.values().next().value);
      assert.deepEqual(delivered.data, {
        batch_id,
        workspace_id: 'dev',
        status: 'completed',
        total_files: 2,
        counts: { pending: 0, processing: 0, completed: 2, failed: 0, cancelled: 0 },
        created_at: batch.created_at,
        finished_at: batch.finished_at,
      });
    } finally {
      await server.close();
    }
  });

  it('sends file.failed for a refused and a damaged file, and batch.completed with the failures counted', async () => {
    receiver.received.length = 0;
    receiver.answer = () => 200;
    const server = await startTestServer({ webhookUrl: receiver.url, webhookSecret: SECRET });
    try {
      const res = await upload(server.api, [
        { name: 'fine.png', data: docs.png },
        { name: 'broken.pdf', data: docs.truncatedPdf },
        { name: 'program.pdf', data: docs.exe },
      ]);
      const { batch_id } = (await res.json()) as UploadResponse;
      const batch = await waitForFinished(server.api, batch_id);
      await waitFor(() => Promise.resolve(receiver.received.length >= 3), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const events = receiver.received.map(event);
      assert.equal(events.length, 3);
      const failed = events.filter((e) => e.type === 'file.failed').map((e) => e.data as { file_id: string; error_code: string; attempts: number });
      assert.deepEqual(
        failed.map((f) => [f.file_id, f.error_code, f.attempts]).sort(),
        [
          [batch.files[1]!.file_id, 'CORRUPT_FILE', 1],
          [batch.files[2]!.file_id, 'UNSUPPORTED_TYPE', 0],
        ].sort(),
      );
      const completed = events.find((e) => e.type === 'batch.completed')!;
      assert.deepEqual((completed.data as { counts: unknown }).counts, { pending: 0, processing: 0, completed: 1, failed: 2, cancelled: 0 });
    } finally {
      await server.close();
    }
  });

  it('a receiver that never answers holds up no processing', async () => {
    receiver.received.length = 0;
    receiver.answer = () => null;
    const server = await startTestServer({ webhookUrl: receiver.url, webhookSecret: SECRET });
    try {
      const first = (await (await upload(server.api, [{ name: 'a.png', data: docs.png }])).json()) as UploadResponse;
      await waitForFinished(server.api, first.batch_id);
      await waitFor(() => Promise.resolve(receiver.received.length >= 1), 10_000);

      // The dispatcher now waits on a request that gets no answer; the next batch runs all the same.
      const second = (await (
        await upload(server.api, [
          { name: 'b.png', data: docs.png },
          { name: 'c.pdf', data: docs.pdf },
        ])
      ).json()) as UploadResponse;
      const batch = await waitForFinished(server.api, second.batch_id);
      assert.equal(batch.status, 'completed');
      assert.equal(batch.progress.completed, 2);
      assert.ok(
        receiver.received.every((r) => r.answered === 0),
        'no delivery attempt was ever answered',
      );
      assert.ok(receiver.received[0]!.waiting(), 'the batch finished while the first delivery was still waiting for its answer');
    } finally {
      await server.close();
    }
  });

  it('a delivery still pending when the server stops is sent after the restart', async () => {
    receiver.received.length = 0;
    receiver.answer = () => 503;
    const dataDir = await tempDir();
    const first = await startTestServer({ dataDir, webhookUrl: receiver.url, webhookSecret: SECRET });
    let second: Awaited<ReturnType<typeof startTestServer>> | null = null;
    try {
      const res = await upload(first.api, [{ name: 'r.png', data: docs.png }]);
      const { batch_id } = (await res.json()) as UploadResponse;
      await waitForFinished(first.api, batch_id);
      await waitFor(() => Promise.resolve(receiver.received.length >= 1), 10_000);
      await first.close();
      const eventId = receiver.received[0]!.headers['x-batch-uploader-delivery'];

      receiver.answer = () => 200;
      second = await startTestServer({ dataDir, webhookUrl: receiver.url, webhookSecret: SECRET });
      await waitFor(() => Promise.resolve(receiver.received.some((r) => r.answered === 200)), 15_000);
      const delivered = receiver.received.find((r) => r.answered === 200)!;
      assert.equal(delivered.headers['x-batch-uploader-delivery'], eventId, 'the same event, not a new one');
      assert.equal((event(delivered).data as { batch_id: string }).batch_id, batch_id);
    } finally {
      await second?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
