/**
 * Live `changes` events in the session: applying the changed files alone gives the state
 * the equivalent whole snapshot gives (no network: a scripted client hands the updates
 * over), and the live path end to end against the real demo server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Batch, BatchFile } from '@batch-uploader/protocol';
import { progressPercent } from '@batch-uploader/protocol';
import { BatchClient, BatchSession, selectCounts, selectProgress, type BatchEvent, type SessionState, type WatchOptions } from '../src/index.js';
import { makePng } from '@batch-uploader/test-support/small-documents';
import { ENDPOINT, fakeBatch } from './helpers.js';
import { demoSkip as skip, startDemo, type RunningDemo } from './demo.js';

type Update = (batch: Batch, changed?: readonly BatchFile[]) => void;

/** A client that attaches to `first` and hands the test the watch's update callback. */
class ScriptedClient extends BatchClient {
  update: Update = () => {};
  constructor(private readonly first: Batch) {
    super({ endpoint: ENDPOINT });
  }
  override getBatch(): Promise<Batch> {
    return Promise.resolve(this.first);
  }
  override watchBatch(_batchId: string, options: WatchOptions = {}): Promise<Batch> {
    this.update = (batch, changed) => (changed ? options.onUpdate?.(batch, changed) : options.onUpdate?.(batch));
    return new Promise(() => {}); // Follows until the test is done.
  }
}

/** `batch` with `changes` applied (file index → new status), as a live stream describes it: unchanged files are the same objects. */
function step(batch: Batch, changes: ReadonlyArray<[number, BatchFile['status']]>): { batch: Batch; changed: BatchFile[] } {
  const files = batch.files.slice();
  const changed: BatchFile[] = [];
  for (const [i, status] of changes) {
    const file: BatchFile = { ...files[i]!, status, attempts: files[i]!.attempts + (status === 'processing' ? 1 : 0) };
    if (status === 'completed') file.result = { pages: i, sha256: `${i}`.repeat(64).slice(0, 64) };
    if (status === 'failed') file.error = { code: 'CORRUPT_FILE', message: 'The file is damaged or incomplete and could not be read.' };
    files[i] = file;
    changed.push(file);
  }
  const counts = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const f of files) counts[f.status] += 1;
  const done = counts.pending + counts.processing === 0;
  return {
    batch: {
      ...batch,
      status: done ? 'completed' : 'processing',
      progress: { ...counts, percent: progressPercent(counts) },
      finished_at: done ? '2026-01-01T00:05:00.000Z' : null,
      accepting_files: !done,
      files,
    },
    changed,
  };
}

/** A session attached to `first`, with the file-status and batch-finished events it emits. */
async function attached(first: Batch): Promise<{ session: BatchSession; client: ScriptedClient; events: string[] }> {
  const client = new ScriptedClient(first);
  const session = new BatchSession({ client });
  const events: string[] = [];
  session.on('file-status', ({ file, previous }) => events.push(`${file.name}:${previous}>${file.status}`));
  session.on('batch-finished', ({ status, summary }) => events.push(`finished:${status}:${summary}`));
  await session.attach(first.id);
  return { session, client, events };
}

describe('BatchSession: live changes (no network)', () => {
  it('applying only the changed files gives the same state and events as applying the whole snapshots', async () => {
    const first = fakeBatch(
      'b1',
      Array.from({ length: 40 }, () => 'pending'),
    );
    const whole = await attached(first);
    const delta = await attached(first);
    const script: Array<Array<[number, BatchFile['status']]>> = [
      [
        [0, 'processing'],
        [1, 'processing'],
      ],
      [
        [0, 'completed'],
        [2, 'processing'],
      ],
      [[1, 'failed']],
      [], // only the batch fields changed
      Array.from({ length: 37 }, (_, i): [number, BatchFile['status']] => [i + 3, 'completed']),
      [[2, 'completed']],
    ];
    let batch = first;
    for (const changes of script) {
      const next = step(batch, changes);
      batch = next.batch;
      whole.client.update(batch);
      delta.client.update(batch, next.changed);
      assert.deepEqual<SessionState>(delta.session.getState(), whole.session.getState());
    }
    assert.equal(delta.session.getState().phase, 'finished');
    assert.deepEqual(delta.events, whole.events);
    assert.ok(delta.events.includes('doc1.pdf:processing>failed'));
    assert.equal(delta.events.at(-1), 'finished:completed:39 succeeded, 1 failed');
    whole.session.dispose();
    delta.session.dispose();
  });

  it("merges a change of 100 files in a 10,000-file batch without reading the batch's file list", async () => {
    const first = fakeBatch(
      'b2',
      Array.from({ length: 10_000 }, () => 'pending'),
    );
    const { session, client } = await attached(first);
    // The first change builds the session's index from its own files; later ones use it.
    let previous = first;
    for (let round = 0; round < 3; round++) {
      const { batch, changed } = step(
        previous,
        Array.from({ length: 100 }, (_, i): [number, BatchFile['status']] => [round * 100 + i, 'completed']),
      );
      previous = { ...batch, files: batch.files };
      let reads = 0;
      const files = batch.files;
      Object.defineProperty(batch, 'files', {
        get: () => {
          reads += 1;
          return files;
        },
      });
      client.update(batch, changed);
      assert.equal(reads, 0, 'the whole list was not walked');
      const state = session.getState();
      assert.equal(state.files[round * 100]!.status, 'completed');
      assert.equal(state.files[round * 100 + 99]!.status, 'completed');
      assert.equal(state.files[round * 100 + 100]!.status, 'pending');
      assert.equal(state.files.filter((f) => f.status === 'completed').length, 100 * (round + 1));
    }
    session.dispose();
  });
});

describe('BatchSession: counts and progress of live changes (no network)', () => {
  it('counts and bytes carried from update to update equal counts made afresh, after many random changes', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const statuses = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;
    const base = fakeBatch(
      'b3',
      Array.from({ length: 500 }, () => 'pending'),
    );
    const first: Batch = { ...base, files: base.files.map((file, i) => ({ ...file, size: 1 + ((i * 7_919) % 5_000) })) };
    const { session, client } = await attached(first);
    let batch = first;
    for (let round = 0; round < 300; round++) {
      // File 0 stays pending, so the batch never finishes; a file may change twice in one event.
      const picks = Array.from({ length: 1 + Math.floor(random() * 20) }, (): [number, BatchFile['status']] => [
        1 + Math.floor(random() * 499),
        statuses[Math.floor(random() * statuses.length)]!,
      ]);
      if (random() < 0.2) picks.push(picks[0]![0] === 1 ? [2, 'completed'] : [picks[0]![0], 'failed']);
      const next = step(batch, picks);
      batch = next.batch;
      // Now and then a whole snapshot, as after a reconnect: the next changes carry on from it.
      if (round % 37 === 36) client.update(batch);
      else client.update(batch, next.changed);

      const state = session.getState();
      const byStatus = { checking: 0, queued: 0, uploading: 0, pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
      let bytesTotal = 0;
      for (const file of state.files) {
        byStatus[file.status] += 1;
        bytesTotal += file.size;
      }
      const finished = byStatus.completed + byStatus.failed + byStatus.cancelled;
      assert.deepEqual({ ...selectCounts(state) }, { ...byStatus, total: 500, finished, needsReview: 0, rejectedAtReview: 0 });
      assert.deepEqual(selectProgress(state), {
        bytesSent: bytesTotal,
        bytesTotal,
        uploadPercent: 100,
        processingPercent: Math.floor((finished * 100) / 500),
        percent: Math.floor((finished * 100) / 500),
        filesSent: 500,
        shares: {
          sent: 100,
          completed: (byStatus.completed * 100) / 500,
          failed: (byStatus.failed * 100) / 500,
          cancelled: (byStatus.cancelled * 100) / 500,
        },
      });
    }
    assert.equal(session.getState().phase, 'processing');
    session.dispose();
  });
});

describe('live changes from the demo server', { skip }, () => {
  let demo: RunningDemo & { api: string };
  before(async () => {
    demo = await startDemo({ processingDelayMs: 120, concurrency: 1 });
  });
  after(async () => {
    await demo?.close();
  });
  const pngs = (n: number) => Array.from({ length: n }, (_, i) => new File([makePng(4 + i, 3)], `scan-${i}.png`, { type: 'image/png' }));

  it('the client asks for changes and applies them: each event carries the whole batch, the last one the final batch', async () => {
    const client = new BatchClient({ endpoint: demo.api });
    const { batch_id } = await client.upload(pngs(4));
    const events: BatchEvent[] = [];
    for await (const event of client.events(batch_id, { changes: true })) events.push(event);

    assert.equal(events[0]!.type, 'snapshot');
    assert.equal(events.at(-1)!.type, 'end');
    const changes = events.filter((e) => e.type === 'changes');
    assert.ok(changes.length >= 4, `changes events while the files ran, got ${changes.length}`);
    assert.ok(
      changes.every((e) => e.changed!.every((file) => e.batch.files.includes(file))),
      'the changed files are in the batch',
    );
    assert.deepEqual(events.at(-2)!.batch, events.at(-1)!.batch, 'the changes applied make the final batch');
    assert.deepEqual(events.at(-1)!.batch, await client.getBatch(batch_id));
  });

  it('a session following a batch live ends as a session attached to the finished batch', async () => {
    const client = new BatchClient({ endpoint: demo.api });
    const { batch_id } = await client.upload(pngs(5));
    const live = new BatchSession({ client });
    const channels: string[] = [];
    live.on('channel', ({ channel }) => channels.push(channel));
    await live.attach(batch_id);
    const state = await live.whenFinished();
    assert.deepEqual(channels, ['sse']);

    const later = new BatchSession({ client });
    await later.attach(batch_id);
    assert.deepEqual({ ...state, channel: null }, later.getState());
    assert.deepEqual(
      state.files.map((f) => f.status),
      ['completed', 'completed', 'completed', 'completed', 'completed'],
    );
    live.dispose();
    later.dispose();
  });
});
