import { isDeepStrictEqual } from 'node:util';
import type { Batch, BatchChanges, BatchFile } from '@batch-uploader/protocol';
import { CheckFailure, type Check, type CheckContext } from '../check.js';
import { readEventStream, type StreamEvent, type StreamRead } from '../http/event-stream.js';
import { expectConsistent, expectStatus, isFinished, readStatus, seconds, sleep, uploadBatch, validFiles } from './support.js';

/** How long the server has to end a stream after its `end` event. */
const CLOSE_WITHIN_MS = 5_000;

const EVENTS_PATH = '/batch-events/{batch_id}';

/** Opens a batch's event stream and reads it to its `end` event (and the close after it). */
async function readStream(context: CheckContext, batchId: string, query = ''): Promise<StreamRead> {
  const controller = new AbortController();
  const deadline = Date.now() + context.timeoutMs;
  const headersTimer = setTimeout(() => controller.abort(), context.timeoutMs);
  let res: Response;
  try {
    res = await context.api.request('GET', `/batch-events/${batchId}${query}`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  } catch (error) {
    if (controller.signal.aborted) throw new CheckFailure(`GET ${EVENTS_PATH}${query}: no answer within ${seconds(context.timeoutMs)}`);
    throw error;
  } finally {
    clearTimeout(headersTimer);
  }
  if (res.status !== 200) {
    const answer = await context.contract.answer('GET', EVENTS_PATH, res);
    expectStatus(answer, `GET ${EVENTS_PATH}${query}`, 200);
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type !== 'text/event-stream') {
    controller.abort();
    throw new CheckFailure(`GET ${EVENTS_PATH}${query} answered ${type || 'no content type'}, not text/event-stream`);
  }
  return readEventStream(res.body!, controller, { deadline, until: (e) => e.event === 'end', closeWithinMs: CLOSE_WITHIN_MS });
}

/** Parses an event's data and checks it against a schema of the document. */
function eventData<T>(context: CheckContext, event: StreamEvent, schema: string, batchId: string): T {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    throw new CheckFailure(`a ${event.event} event's data is not JSON`);
  }
  context.contract.schema(schema, data, `the data of a ${event.event} event`);
  if ((data as { id: string }).id !== batchId) throw new CheckFailure(`a ${event.event} event is about another batch`);
  return data as T;
}

/** Fails unless the read ended with an `end` event that the server followed by closing the stream. */
async function expectEnded(context: CheckContext, read: StreamRead, batchId: string): Promise<void> {
  if (read.last === null) {
    const { batch } = await readStatus(context, batchId);
    const state = `the batch is ${batch.status}${isFinished(batch) ? ' and finished' : ''} by its status`;
    if (read.timedOut) throw new CheckFailure(`no end event within ${seconds(context.timeoutMs)} (${read.events.length} events came; ${state})`);
    throw new CheckFailure(`the stream closed before an end event (${read.events.length} events came; ${state})`);
  }
  if (!read.closed) throw new CheckFailure(`the server kept the stream open ${seconds(CLOSE_WITHIN_MS)} after its end event`);
}

/** Checks the snapshot-only stream: snapshots first, then end with the final batch. */
async function expectSnapshotStream(context: CheckContext, batchId: string): Promise<{ events: number; final: Batch }> {
  const read = await readStream(context, batchId);
  const known = read.events.filter((e) => e.event === 'snapshot' || e.event === 'end' || e.event === 'changes');
  if (known[0]?.event !== 'snapshot') {
    throw new CheckFailure(
      `the first event is ${known[0] ? `"${known[0].event}"` : read.events[0] ? `"${read.events[0].event}"` : 'missing'}; the SDK needs a snapshot first`,
    );
  }
  for (const event of known) {
    if (event.event === 'changes') throw new CheckFailure('a changes event came on a stream that did not ask for them');
    expectConsistent(eventData<Batch>(context, event, 'Batch', batchId), `a ${event.event} event`);
  }
  await expectEnded(context, read, batchId);
  const final = eventData<Batch>(context, read.last!, 'Batch', batchId);
  if (!isFinished(final))
    throw new CheckFailure(`the end event's batch is ${final.status} with finished_at ${final.finished_at === null ? 'null' : 'set'}: not final`);
  return { events: known.length, final };
}

/**
 * The files a client built from a snapshot and changes agree with the end event's: the
 * same files in the same order, and every file it holds as final exactly as the end
 * event has it (a file's last change may come with the end event itself).
 */
function expectAddsUp(applied: readonly BatchFile[], final: readonly BatchFile[]): void {
  const wrong = 'the snapshot with the changes applied disagrees with the end event';
  if (applied.map((f) => f.file_id).join() !== final.map((f) => f.file_id).join()) throw new CheckFailure(`${wrong}: not the same files`);
  applied.forEach((file, i) => {
    if (file.status !== 'pending' && file.status !== 'processing' && !isDeepStrictEqual(file, final[i])) {
      throw new CheckFailure(`${wrong} on a ${file.status} file: a client following the changes shows a wrong batch`);
    }
  });
}

const events: Check = {
  id: 'events',
  title:
    "GET /batch-events/{batch_id} is a text/event-stream: a snapshot of the batch first, then snapshots, then end with the final batch, and the server closes it; a finished batch's stream gives snapshot and end at once",
  required: true,
  needs: ['limits'],
  async run(context) {
    const live = await uploadBatch(context, validFiles(context));
    const first = await expectSnapshotStream(context, live.id);
    const again = await expectSnapshotStream(context, live.id);
    if (again.final.status !== first.final.status)
      throw new CheckFailure(`the finished batch's stream ended ${again.final.status}, the first one ${first.final.status}`);
    return `${first.events} events, the last an end with the ${first.final.status} batch, then closed; again for the finished batch: ${again.events} events`;
  },
};

const eventsChanges: Check = {
  id: 'events.changes',
  title:
    'The stream the SDK opens (?changes=1): a snapshot, then changes events (or snapshots: a server may ignore the parameter), then end; the changes applied give the final batch',
  required: true,
  needs: ['limits'],
  async run(context) {
    const live = await uploadBatch(context, validFiles(context));
    const read = await readStream(context, live.id, '?changes=1');
    const known = read.events.filter((e) => e.event === 'snapshot' || e.event === 'end' || e.event === 'changes');
    if (known[0]?.event !== 'snapshot')
      throw new CheckFailure(`the first event is ${known[0] ? `"${known[0].event}"` : 'missing'}; the SDK needs a snapshot first`);
    let files = new Map<string, BatchFile>();
    let changes = 0;
    for (const event of known) {
      if (event.event === 'changes') {
        changes++;
        const data = eventData<BatchChanges>(context, event, 'BatchChanges', live.id);
        for (const file of data.changed_files) files.set(file.file_id, file);
        continue;
      }
      const batch = eventData<Batch>(context, event, 'Batch', live.id);
      if (event.event === 'snapshot') files = new Map(batch.files.map((f) => [f.file_id, f]));
      else expectAddsUp([...files.values()], batch.files);
    }
    await expectEnded(context, read, live.id);
    return changes > 0
      ? `snapshot, ${changes} changes events that add up to the end event's batch, end`
      : `snapshots only (the parameter is ignored, which the SDK takes), then end`;
  },
};

const polling: Check = {
  id: 'polling',
  title: 'Polling GET /batch-status/{batch_id} with If-None-Match, as the SDK does when live events fail, follows a new batch to its final state',
  required: true,
  needs: ['limits'],
  async run(context) {
    const polled = await uploadBatch(context, validFiles(context));
    const path = '/batch-status/{batch_id}';
    const deadline = Date.now() + context.timeoutMs;
    let etag: string | null = null;
    let polls = 0;
    let notModified = 0;
    for (;;) {
      polls++;
      const headers: Record<string, string> = etag === null ? {} : { 'if-none-match': etag };
      const answer = await context.contract.answer('GET', path, await context.api.request('GET', `/batch-status/${polled.id}`, { headers }));
      if (answer.status === 304) {
        if (etag === null) throw new CheckFailure(`GET ${path} answered 304 to a request without If-None-Match`);
        notModified++;
      } else {
        expectStatus(answer, `GET ${path}`, 200);
        const { batch } = answer.body as { batch: Batch };
        expectConsistent(batch, `GET ${path}`);
        etag = answer.headers.get('etag');
        if (isFinished(batch)) return `${polls} polls, ${notModified} answered 304, followed the batch to ${batch.status}`;
      }
      if (Date.now() > deadline) {
        const { batch } = await readStatus(context, polled.id);
        if (isFinished(batch)) throw new CheckFailure('the batch finished, but polls with If-None-Match kept answering 304: its ETag did not change with it');
        throw new CheckFailure(`the batch did not finish within ${seconds(context.timeoutMs)} (status ${batch.status})`);
      }
      await sleep(context.pollIntervalMs);
    }
  },
};

/** Following a batch live: events, and polling as the fallback. */
export const liveChecks: readonly Check[] = [events, eventsChanges, polling];
