import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Batch } from '@batch-uploader/protocol';
import { BatchClient, SseParser, isApiError, isAbortError, type LiveChannel, type SseMessage } from '../src/index.js';
import { ENDPOINT, errorBody, fakeBatch } from './helpers.js';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

/** A text/event-stream response that writes `chunks` and then closes (or stays open). */
function eventStream(chunks: readonly string[], keepOpen = false): HttpResponse<ReadableStream> {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (!keepOpen) controller.close();
    },
  });
  return new HttpResponse(stream, { headers: { 'Content-Type': 'text/event-stream' } });
}

const event = (name: string, batch: Batch) => `event: ${name}\ndata: ${JSON.stringify(batch)}\n\n`;

/** Serves status polls from a script of batches; the last one repeats. */
function statusScript(batches: readonly Batch[]): { polls: () => number } {
  let polls = 0;
  server.use(
    http.get(`${ENDPOINT}/batch-status/:id`, () => {
      const batch = batches[Math.min(polls, batches.length - 1)]!;
      polls += 1;
      return HttpResponse.json({ status: 'success', batch });
    }),
  );
  return { polls: () => polls };
}

describe('SseParser', () => {
  it('parses events split at any byte, with CRLF, comments and multi-line data', () => {
    const messages: SseMessage[] = [];
    const comments: string[] = [];
    const parser = new SseParser(
      (m) => messages.push(m),
      (c) => comments.push(c),
    );
    const text = ': heartbeat\r\nevent: snapshot\r\ndata: {"a":\r\ndata: 1}\r\nid: 7\r\n\r\ndata: plain\n\nevent: end\ndata:x\r\r\n';
    for (const char of text) parser.feed(char);
    assert.deepEqual(comments, ['heartbeat']);
    assert.deepEqual(messages, [
      { event: 'snapshot', data: '{"a":\n1}', id: '7' },
      { event: 'message', data: 'plain', id: '7' },
      { event: 'end', data: 'x', id: '7' },
    ]);
  });

  it('reassembles a snapshot of megabytes sent in many small pieces', () => {
    const messages: SseMessage[] = [];
    const parser = new SseParser((m) => messages.push(m));
    const data = JSON.stringify({ files: Array.from({ length: 20_000 }, (_, i) => ({ file_id: `f${i}`, status: 'completed' })) });
    const text = `event: snapshot\r\ndata: ${data}\r\n\r\nevent: end\ndata: {}\n\n`;
    for (let at = 0; at < text.length; at += 4_093) parser.feed(text.slice(at, at + 4_093));
    assert.deepEqual(messages, [
      { event: 'snapshot', data, id: '' },
      { event: 'end', data: '{}', id: '' },
    ]);
  });

  it('dispatches nothing for an event without data', () => {
    const messages: SseMessage[] = [];
    const parser = new SseParser((m) => messages.push(m));
    parser.feed('event: snapshot\n\n');
    assert.equal(messages.length, 0);
  });
});

describe('BatchClient.watchBatch', () => {
  it('follows live events to the end without polling', async () => {
    const { polls } = statusScript([fakeBatch('b1', ['pending'])]);
    server.use(
      http.get(`${ENDPOINT}/batch-events/:id`, () =>
        eventStream([
          event('snapshot', fakeBatch('b1', ['pending', 'pending'], 'pending')),
          ': heartbeat\n\n',
          event('snapshot', fakeBatch('b1', ['completed', 'processing'])),
          event('snapshot', fakeBatch('b1', ['completed', 'failed'], 'completed', true)),
          event('end', fakeBatch('b1', ['completed', 'failed'], 'completed', true)),
        ]),
      ),
    );
    const updates: string[] = [];
    const channels: LiveChannel[] = [];
    const final = await new BatchClient({ endpoint: ENDPOINT }).watchBatch('b1', {
      onUpdate: (b) => updates.push(b.files.map((f) => f.status).join(',')),
      onChannel: (c) => channels.push(c),
    });
    assert.equal(final.status, 'completed');
    assert.deepEqual(updates, ['pending,pending', 'completed,processing', 'completed,failed']);
    assert.deepEqual(channels, ['sse']);
    assert.equal(polls(), 0);
  });

  it('falls back to polling when the events endpoint fails, and stops when the batch is final', async () => {
    server.use(http.get(`${ENDPOINT}/batch-events/:id`, () => HttpResponse.json(errorBody('INTERNAL', 'x'), { status: 500 })));
    const { polls } = statusScript([
      fakeBatch('b1', ['pending']),
      fakeBatch('b1', ['processing']),
      fakeBatch('b1', ['completed'], 'completed', true),
      fakeBatch('b1', ['completed'], 'completed', true),
    ]);
    const channels: LiveChannel[] = [];
    const final = await new BatchClient({ endpoint: ENDPOINT, pollIntervalMs: 10, retry: 0 }).watchBatch('b1', { onChannel: (c) => channels.push(c) });
    assert.equal(final.status, 'completed');
    assert.deepEqual(channels, ['polling']);
    assert.equal(polls(), 3);
  });

  it('falls back to polling when the server does not speak event-stream', async () => {
    server.use(http.get(`${ENDPOINT}/batch-events/:id`, () => HttpResponse.text('hello')));
    statusScript([fakeBatch('b1', ['completed'], 'completed', true)]);
    const final = await new BatchClient({ endpoint: ENDPOINT, pollIntervalMs: 10 }).watchBatch('b1');
    assert.equal(final.finished_at !== null, true);
  });

  it('falls back to polling when the stream closes before the end', async () => {
    server.use(http.get(`${ENDPOINT}/batch-events/:id`, () => eventStream([event('snapshot', fakeBatch('b1', ['processing']))])));
    statusScript([fakeBatch('b1', ['completed'], 'completed', true)]);
    const channels: LiveChannel[] = [];
    await new BatchClient({ endpoint: ENDPOINT, pollIntervalMs: 10 }).watchBatch('b1', { onChannel: (c) => channels.push(c) });
    assert.deepEqual(channels, ['sse', 'polling']);
  });

  it('falls back to polling when the stream goes silent (no heartbeat)', async () => {
    server.use(http.get(`${ENDPOINT}/batch-events/:id`, () => eventStream([event('snapshot', fakeBatch('b1', ['processing']))], true)));
    statusScript([fakeBatch('b1', ['completed'], 'completed', true)]);
    const channels: LiveChannel[] = [];
    const final = await new BatchClient({ endpoint: ENDPOINT, pollIntervalMs: 10, sseIdleTimeoutMs: 100 }).watchBatch('b1', {
      onChannel: (c) => channels.push(c),
    });
    assert.deepEqual(channels, ['sse', 'polling']);
    assert.equal(final.status, 'completed');
  });

  it('polls only, when told to', async () => {
    let streams = 0;
    server.use(
      http.get(`${ENDPOINT}/batch-events/:id`, () => {
        streams += 1;
        return eventStream([]);
      }),
    );
    statusScript([fakeBatch('b1', ['completed'], 'completed', true)]);
    await new BatchClient({ endpoint: ENDPOINT, liveMode: 'polling' }).watchBatch('b1');
    assert.equal(streams, 0);
  });

  it('does not poll an unknown batch forever: 404 ends the watch with the ApiError', async () => {
    server.use(
      http.get(`${ENDPOINT}/batch-events/:id`, () => HttpResponse.json(errorBody('BATCH_NOT_FOUND', 'No batch with that id was found.'), { status: 404 })),
    );
    const error = await new BatchClient({ endpoint: ENDPOINT }).watchBatch('nope').catch((e: unknown) => e);
    assert.ok(isApiError(error) && error.code === 'BATCH_NOT_FOUND');
  });

  it('keeps polling through passing network errors, and gives up after maxConsecutiveErrors', async () => {
    server.use(
      http.get(`${ENDPOINT}/batch-events/:id`, () => HttpResponse.error()),
      http.get(`${ENDPOINT}/batch-status/:id`, () => HttpResponse.error()),
    );
    const errors: unknown[] = [];
    const error = await new BatchClient({ endpoint: ENDPOINT, retry: 0, pollIntervalMs: 5 })
      .watchBatch('b1', { maxConsecutiveErrors: 3, onError: (e) => errors.push(e) })
      .catch((e: unknown) => e);
    assert.equal((error as { code?: string }).code, 'NETWORK_ERROR');
    assert.equal(errors.length, 2);
  });

  it('says reconnecting after a failed poll, retries with a capped backoff, says connected at the next answer and tries live events again', async () => {
    let streams = 0;
    let polls = 0;
    server.use(
      http.get(`${ENDPOINT}/batch-events/:id`, () => {
        streams += 1;
        return HttpResponse.error();
      }),
      http.get(`${ENDPOINT}/batch-status/:id`, () => {
        polls += 1;
        if (polls <= 4) return HttpResponse.error();
        return HttpResponse.json({ status: 'success', batch: fakeBatch('b1', ['completed'], 'completed', true) });
      }),
    );
    const told: string[] = [];
    const channels: string[] = [];
    const final = await new BatchClient({ endpoint: ENDPOINT, retry: 0, pollIntervalMs: 5 }).watchBatch('b1', {
      maxRetryDelayMs: 5,
      onConnection: (connection) => told.push(connection),
      onChannel: (channel) => channels.push(channel),
    });
    assert.equal(final.status, 'completed');
    assert.deepEqual(told, ['reconnecting', 'connected'], 'told once each');
    assert.equal(polls, 5);
    assert.equal(streams, 1, 'a finished batch needs no stream again');
    assert.deepEqual(channels, ['polling']);
  });

  it('after an outage, live events take over from polling again', async () => {
    let streams = 0;
    let polls = 0;
    server.use(
      http.get(`${ENDPOINT}/batch-events/:id`, () => {
        streams += 1;
        if (streams === 1) return HttpResponse.error();
        const batch = fakeBatch('b1', ['completed'], 'completed', true);
        return new HttpResponse(`event: end\ndata: ${JSON.stringify(batch)}\n\n`, { headers: { 'Content-Type': 'text/event-stream' } });
      }),
      http.get(`${ENDPOINT}/batch-status/:id`, () => {
        polls += 1;
        if (polls === 1) return HttpResponse.error();
        return HttpResponse.json({ status: 'success', batch: fakeBatch('b1', ['processing']) });
      }),
    );
    const channels: string[] = [];
    const final = await new BatchClient({ endpoint: ENDPOINT, retry: 0, pollIntervalMs: 5 }).watchBatch('b1', {
      maxRetryDelayMs: 5,
      onChannel: (channel) => channels.push(channel),
    });
    assert.equal(final.status, 'completed');
    assert.deepEqual(channels, ['polling', 'sse']);
    assert.equal(polls, 2);
  });

  it('stops when aborted, with an AbortError', async () => {
    server.use(http.get(`${ENDPOINT}/batch-events/:id`, () => HttpResponse.error()));
    const { polls } = statusScript([fakeBatch('b1', ['processing'])]);
    const controller = new AbortController();
    const watching = new BatchClient({ endpoint: ENDPOINT, retry: 0, pollIntervalMs: 10 }).watchBatch('b1', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const error = await watching.catch((e: unknown) => e);
    assert.ok(isAbortError(error));
    const count = polls();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(polls(), count, 'no poll after abort');
  });
});
