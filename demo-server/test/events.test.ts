import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Batch, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from './documents.js';
import { assertMatchesSchema } from './openapi.js';
import { startTestServer, upload } from './helpers.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ processingDelayMs: 150, concurrency: 1 });
});
after(() => server.close());

interface SseEvent {
  event: string;
  data: string;
  at: number;
}

/** Reads a whole event stream over plain HTTP, asking for gzip as browsers do. */
function readEvents(url: string): Promise<{ events: SseEvent[]; headers: Record<string, unknown>; comments: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
      const events: SseEvent[] = [];
      let comments = 0;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments++;
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length) events.push({ event, data: data.join('\n'), at: Date.now() });
        }
      });
      res.on('end', () => resolve({ events, headers: res.headers, comments }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('live batch events', () => {
  it('streams snapshots as files progress, through compression, and ends with the final batch', async () => {
    const res = await upload(server.api, Array.from({ length: 4 }, (_, i) => ({ name: `p${i}.png`, data: docs.png })));
    const { events_url } = (await res.json()) as UploadResponse;
    const { events, headers } = await readEvents(server.url + events_url);

    assert.equal(headers['content-type'], 'text/event-stream');
    assert.equal(headers['content-encoding'], undefined, 'events are not held back by compression');
    const snapshots = events.filter((e) => e.event === 'snapshot').map((e) => JSON.parse(e.data) as Batch);
    assert.ok(snapshots.length >= 4, `one snapshot per change, got ${snapshots.length}`);
    for (const snapshot of snapshots) assertMatchesSchema('Batch', snapshot);
    const completedCounts = snapshots.map((s) => s.progress.completed);
    assert.deepEqual(completedCounts, [...completedCounts].sort((a, b) => a - b), 'progress never goes backwards');
    assert.ok(snapshots.some((s) => s.status === 'processing'), 'a snapshot arrived while the batch was running');
    const last = events.at(-1)!;
    assert.equal(last.event, 'end');
    const final = JSON.parse(last.data) as Batch;
    assert.equal(final.status, 'completed');
    assert.equal(final.progress.completed, 4);
    // Snapshots arrived spread over the run, not all at the end.
    assert.ok(events.at(-1)!.at - events[0]!.at >= 300);
  });

  it('sends the final snapshot and ends at once for a batch that already finished', async () => {
    const res = await upload(server.api, [{ name: 'bad.pdf', data: docs.truncatedPdf }]);
    const { events_url } = (await res.json()) as UploadResponse;
    await new Promise((resolve) => setTimeout(resolve, 600));
    const { events } = await readEvents(server.url + events_url);
    assert.deepEqual(events.map((e) => e.event), ['snapshot', 'end']);
  });

  it('sends heartbeats while nothing changes', async () => {
    const quiet = await startTestServer({ processingDelayMs: 1_200, concurrency: 1, heartbeatMs: 200 });
    try {
      const res = await upload(quiet.api, [{ name: 'slow.png', data: docs.png }]);
      const { events_url } = (await res.json()) as UploadResponse;
      const { comments, events } = await readEvents(quiet.url + events_url);
      assert.ok(comments >= 3, `heartbeat comments while waiting, got ${comments}`);
      assert.equal(events.at(-1)?.event, 'end');
    } finally {
      await quiet.close();
    }
  });
});
