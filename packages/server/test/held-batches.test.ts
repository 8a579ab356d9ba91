import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Batch, BatchStatusResponse, ErrorResponse, UploadResponse, WebhookEvent } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { getBatch, upload, waitForFinished, type UploadPart } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

const SECRET = 'webhook-secret-0123456789abcdef';

/** A webhook receiver that answers 200 to everything and keeps the events, in arrival order. */
async function startReceiver(): Promise<{ url: string; events: WebhookEvent[]; close: () => Promise<void> }> {
  const events: WebhookEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEvent);
      res.writeHead(200).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    events,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let docs: Documents;
let receiver: Receiver;
/** Processes at once, no simulated delay: a first part is done long before the next arrives. */
let server: Server;
/** Holds batches open for one second only. */
let shortHold: Server;

before(async () => {
  docs = await documents();
  receiver = await startReceiver();
  const webhooks = { webhookUrl: receiver.url, webhookSecret: SECRET };
  server = await startTestServer({ ...webhooks, processingDelayMs: 0 });
  shortHold = await startTestServer({ ...webhooks, processingDelayMs: 0, appendHoldSeconds: 1 });
});
after(async () => {
  await Promise.all([server.close(), shortHold.close()]);
  await receiver.close();
});

const pngs = (prefix: string, count: number): UploadPart[] => Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i}.png`, data: docs.png }));

async function uploadHeld(target: Server, files: UploadPart[]): Promise<string> {
  const res = await upload(target.api, files, { more_files: 'true' });
  assert.equal(res.status, 202);
  return ((await res.json()) as UploadResponse).batch_id;
}

async function append(target: Server, batchId: string, files: UploadPart[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const file of files) form.append('files', new Blob([file.data]), file.name);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const res = await fetch(`${target.api}/batch/${batchId}/files`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function close(target: Server, batchId: string) {
  const res = await fetch(`${target.api}/batch/${batchId}/close`, { method: 'POST' });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Waits until `count` files of the batch completed, and returns it. */
function completed(target: Server, batchId: string, count: number): Promise<Batch> {
  return waitFor(async () => {
    const batch = await getBatch(target.api, batchId);
    return batch.progress.completed === count ? batch : null;
  });
}

function assertHeldOpen(batch: Batch): void {
  assert.equal(batch.finished_at, null);
  assert.equal(batch.status, 'processing');
  assert.equal(batch.accepting_files, true);
  assertConforms('GET', '/batch-status/{batch_id}', 200, { status: 'success', batch });
}

/** The batch.completed events received for a batch. */
const completions = (batchId: string) => receiver.events.filter((e) => e.type === 'batch.completed' && e.data.batch_id === batchId);

/**
 * Waits for the batch.completed event of a new batch uploaded now: events go out in the
 * order they were recorded, so any event recorded before it has been received by then.
 */
async function drainWebhooks(target: Server): Promise<void> {
  const res = await upload(target.api, pngs('marker', 1));
  const { batch_id } = (await res.json()) as UploadResponse;
  await waitFor(() => Promise.resolve(completions(batch_id).length > 0));
}

describe('batches held open for appends (more_files)', () => {
  it('a held batch stays open while its first part completes, takes appends, and finishes after the last part, with one webhook', async () => {
    const batchId = await uploadHeld(server, pngs('first', 2));
    assertHeldOpen(await completed(server, batchId, 2));

    const more = await append(server, batchId, pngs('second', 1), { more_files: 'true' });
    assert.equal(more.status, 202);
    assertHeldOpen(await completed(server, batchId, 3));
    await drainWebhooks(server);
    assert.deepEqual(completions(batchId), [], 'no batch.completed while held');

    const last = await append(server, batchId, pngs('last', 2));
    assert.equal(last.status, 202);
    const done = await waitForFinished(server.api, batchId);
    assert.equal(done.status, 'completed');
    assert.equal(done.accepting_files, false);
    assert.deepEqual(done.progress, { pending: 0, processing: 0, completed: 5, failed: 0, cancelled: 0, needs_review: 0, rejected_at_review: 0, percent: 100 });
    assert.deepEqual(
      done.files.map((f) => f.filename),
      ['first-0.png', 'first-1.png', 'second-0.png', 'last-0.png', 'last-1.png'],
    );

    await waitFor(() => Promise.resolve(completions(batchId).length > 0));
    await drainWebhooks(server);
    assert.equal(completions(batchId).length, 1, 'batch.completed once, after the release');
    const [event] = completions(batchId);
    assert.ok(event?.type === 'batch.completed');
    assert.equal(event.data.total_files, 5);
  });

  it('close releases the hold: the batch finishes at once with the files it has; closing again is fine', async () => {
    const batchId = await uploadHeld(server, pngs('only', 2));
    assertHeldOpen(await completed(server, batchId, 2));
    const closed = await close(server, batchId);
    assert.equal(closed.status, 200);
    assertConforms('POST', '/batch/{batch_id}/close', 200, closed.body);
    const batch = (closed.body as BatchStatusResponse).batch;
    assert.equal(batch.status, 'completed');
    assert.ok(batch.finished_at);
    assert.equal(batch.accepting_files, false);

    const again = await close(server, batchId);
    assert.equal(again.status, 200);
    assert.equal((again.body as BatchStatusResponse).batch.finished_at, batch.finished_at);
    const late = await append(server, batchId, pngs('late', 1));
    assert.equal(late.status, 409);
    assert.equal((late.body as ErrorResponse).error.code, 'BATCH_NOT_OPEN');
    await waitFor(() => Promise.resolve(completions(batchId).length > 0));
    await drainWebhooks(server);
    assert.equal(completions(batchId).length, 1);
  });

  it('close answers 409 for a cancelled batch and 404 for an unknown one; a cancel releases the hold', async () => {
    const batchId = await uploadHeld(server, pngs('c', 1));
    await completed(server, batchId, 1);
    const cancelled = await fetch(`${server.api}/batch/${batchId}/cancel`, { method: 'POST' });
    const batch = ((await cancelled.json()) as BatchStatusResponse).batch;
    assert.equal(batch.status, 'cancelled');
    assert.ok(batch.finished_at, 'nothing left to run: finished by the cancel');
    assert.equal(batch.accepting_files, false);
    const refused = await close(server, batchId);
    assert.equal(refused.status, 409);
    assert.equal((refused.body as ErrorResponse).error.code, 'BATCH_NOT_OPEN');
    const unknown = await close(server, '00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
  });

  it('more_files takes "true" or "false" only; "false" is a last part', async () => {
    const wrong = await upload(server.api, pngs('w', 1), { more_files: 'yes' });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as ErrorResponse).error.code, 'INVALID_FIELD');

    const batchId = await uploadHeld(server, pngs('f', 1));
    const wrongAppend = await append(server, batchId, pngs('w', 1), { more_files: '1' });
    assert.equal(wrongAppend.status, 400);
    assert.equal((await append(server, batchId, pngs('g', 1), { more_files: 'false' })).status, 202);
    const done = await waitForFinished(server.api, batchId);
    assert.equal(done.total_files, 2);
  });

  it('a hold runs out APPEND_HOLD_SECONDS after the last upload request: an abandoned upload finishes with what arrived', async () => {
    const batchId = await uploadHeld(shortHold, pngs('abandoned', 2));
    const done = await waitForFinished(shortHold.api, batchId);
    assert.equal(done.status, 'completed');
    assert.equal(done.total_files, 2);
    assert.equal(done.accepting_files, false);
    await waitFor(() => Promise.resolve(completions(batchId).length > 0));
    await drainWebhooks(shortHold);
    assert.equal(completions(batchId).length, 1);
  });
});
