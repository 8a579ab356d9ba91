import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Batch, BatchChanges, BatchFile, ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertMatchesSchema } from '@batch-uploader/test-support/openapi';
import { freshDbName, mongoTarget } from '@batch-uploader/test-support/mongo-target';
import { startTestServer } from './support/test-server.js';
import { getBatch, upload, waitForFinished } from '@batch-uploader/test-support/http';

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

/**
 * Reads an event stream over plain HTTP, asking for gzip as browsers do: to its end, or
 * until `stop` accepts an event, and then drops the connection.
 */
function readEvents(
  url: string,
  stop: (event: SseEvent) => boolean = () => false,
): Promise<{ events: SseEvent[]; headers: Record<string, unknown>; comments: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
      const events: SseEvent[] = [];
      let comments = 0;
      let buffer = '';
      const done = () => resolve({ events, headers: res.headers, comments });
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
          if (!data.length) continue;
          events.push({ event, data: data.join('\n'), at: Date.now() });
          if (stop(events.at(-1)!)) {
            req.destroy();
            done();
            return;
          }
        }
      });
      res.on('end', done);
      res.on('error', reject);
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

describe('live batch events', () => {
  it('streams snapshots as files progress, through compression, and ends with the final batch', async () => {
    const res = await upload(
      server.api,
      Array.from({ length: 4 }, (_, i) => ({ name: `p${i}.png`, data: docs.png })),
    );
    const { events_url } = (await res.json()) as UploadResponse;
    const { events, headers } = await readEvents(server.url + events_url);

    assert.equal(headers['content-type'], 'text/event-stream');
    assert.equal(headers['content-encoding'], undefined, 'events are not held back by compression');
    const snapshots = events.filter((e) => e.event === 'snapshot').map((e) => JSON.parse(e.data) as Batch);
    assert.ok(snapshots.length >= 4, `one snapshot per change, got ${snapshots.length}`);
    for (const snapshot of snapshots) assertMatchesSchema('Batch', snapshot);
    const completedCounts = snapshots.map((s) => s.progress.completed);
    assert.deepEqual(
      completedCounts,
      [...completedCounts].sort((a, b) => a - b),
      'progress never goes backwards',
    );
    assert.ok(
      snapshots.some((s) => s.status === 'processing'),
      'a snapshot arrived while the batch was running',
    );
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
    assert.deepEqual(
      events.map((e) => e.event),
      ['snapshot', 'end'],
    );
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

describe('live batch events with ?changes=1', () => {
  /** Applies a stream's events in order: the batch it describes after each one. */
  function replay(events: SseEvent[]): { batches: Batch[]; changed: BatchFile[][] } {
    const batches: Batch[] = [];
    const changed: BatchFile[][] = [];
    let current: Batch | null = null;
    for (const event of events) {
      if (event.event === 'changes') {
        assert.ok(current, 'a changes event comes after a snapshot');
        const { changed_files, ...summary } = JSON.parse(event.data) as BatchChanges;
        const files: BatchFile[] = [...current.files];
        for (const file of changed_files) {
          const at = files.findIndex((f) => f.file_id === file.file_id);
          if (at < 0) files.push(file);
          else files[at] = file;
        }
        changed.push(changed_files);
        current = { ...summary, files };
      } else {
        current = JSON.parse(event.data) as Batch;
      }
      batches.push(current);
    }
    return { batches, changed };
  }

  it('sends one snapshot, then only the files that changed with the batch fields, through compression, and ends with the final batch', async () => {
    const res = await upload(
      server.api,
      Array.from({ length: 4 }, (_, i) => ({ name: `c${i}.png`, data: docs.png })),
    );
    const { batch_id, events_url } = (await res.json()) as UploadResponse;
    const { events, headers } = await readEvents(`${server.url}${events_url}?changes=1`);

    assert.equal(headers['content-type'], 'text/event-stream');
    assert.equal(headers['content-encoding'], undefined);
    assert.equal(events[0]!.event, 'snapshot');
    assert.equal((JSON.parse(events[0]!.data) as Batch).files.length, 4);
    const middle = events.slice(1, -1);
    assert.ok(middle.length >= 4, `one changes event per change, got ${middle.length}`);
    assert.ok(
      middle.every((e) => e.event === 'changes'),
      `only changes after the first snapshot: ${middle.map((e) => e.event).join()}`,
    );
    for (const e of middle) assertMatchesSchema('BatchChanges', JSON.parse(e.data));
    assert.equal(events.at(-1)!.event, 'end');

    const { batches, changed } = replay(events.slice(0, -1));
    for (let i = 1; i < batches.length; i++) {
      const before = new Map(batches[i - 1]!.files.map((f) => [f.file_id, f]));
      const sent = changed[i - 1]!;
      // Exactly the changed files: each one sent differs from what the client held,
      // and each one not sent is as the client held it (checked at the end, against the final batch).
      for (const file of sent) assert.notDeepEqual(file, before.get(file.file_id), `${file.filename} was sent unchanged`);
    }
    const final = JSON.parse(events.at(-1)!.data) as Batch;
    assert.equal(final.status, 'completed');
    assert.deepEqual(batches.at(-1), final, 'the snapshot with every change applied is the final batch');
    assert.deepEqual(final, await getBatch(server.api, batch_id));
    const sentPerFile = new Map<string, number>();
    for (const file of changed.flat()) sentPerFile.set(file.filename, (sentPerFile.get(file.filename) ?? 0) + 1);
    for (const name of ['c0.png', 'c1.png', 'c2.png', 'c3.png']) assert.ok((sentPerFile.get(name) ?? 0) >= 1, `${name} was sent when it changed`);
  });

  it('works the same on the MongoDB store', async () => {
    const target = await mongoTarget();
    const mongo = await startTestServer({ processingDelayMs: 100, concurrency: 1, mongodbUri: target.uriFor(freshDbName('events')) });
    try {
      const res = await upload(
        mongo.api,
        Array.from({ length: 3 }, (_, i) => ({ name: `m${i}.png`, data: docs.png })),
      );
      const { batch_id, events_url } = (await res.json()) as UploadResponse;
      const { events } = await readEvents(`${mongo.url}${events_url}?changes=1`);
      assert.equal(events[0]!.event, 'snapshot');
      assert.equal(events.at(-1)!.event, 'end');
      assert.ok(events.slice(1, -1).every((e) => e.event === 'changes'));
      assert.ok(events.length >= 3, `changes while the files ran, got ${events.length - 2}`);
      const { batches } = replay(events.slice(0, -1));
      const final = JSON.parse(events.at(-1)!.data) as Batch;
      assert.deepEqual(batches.at(-1), final);
      assert.deepEqual(final, await getBatch(mongo.api, batch_id));
    } finally {
      await mongo.close();
      await target.close();
    }
  });

  it('a reconnect starts again with a full snapshot', async () => {
    const slow = await startTestServer({ processingDelayMs: 400, concurrency: 1 });
    try {
      const res = await upload(
        slow.api,
        Array.from({ length: 3 }, (_, i) => ({ name: `r${i}.png`, data: docs.png })),
      );
      const { batch_id, events_url } = (await res.json()) as UploadResponse;
      const first = (await readEvents(`${slow.url}${events_url}?changes=1`, (e) => e.event === 'changes')).events;
      assert.deepEqual(
        first.map((e) => e.event),
        ['snapshot', 'changes'],
      );

      const again = (await readEvents(`${slow.url}${events_url}?changes=1`, () => true)).events;
      assert.equal(again[0]!.event, 'snapshot');
      const snapshot = JSON.parse(again[0]!.data) as Batch;
      assertMatchesSchema('Batch', snapshot);
      assert.equal(snapshot.id, batch_id);
      assert.deepEqual(
        snapshot.files.map((f) => f.filename),
        ['r0.png', 'r1.png', 'r2.png'],
      );
      await waitForFinished(slow.api, batch_id);
    } finally {
      await slow.close();
    }
  });

  it('answers 400 INVALID_QUERY to a changes value other than 1 or 0', async () => {
    const res = await upload(server.api, [{ name: 'q.png', data: docs.png }]);
    const { events_url } = (await res.json()) as UploadResponse;
    const answer = await fetch(`${server.url}${events_url}?changes=yes`, { headers: { accept: 'text/event-stream' } });
    assert.equal(answer.status, 400);
    assert.equal(((await answer.json()) as ErrorResponse).error.code, 'INVALID_QUERY');
  });
});
