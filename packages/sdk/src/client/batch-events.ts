import { BATCH_EVENTS, type Batch, type BatchChanges, type BatchFile } from '@batch-uploader/protocol';
import { abortReason } from '../errors/abort.js';
import { NetworkError } from '../errors/network-error.js';
import { LiveBatch } from './live-batch.js';
import { SseParser, type SseMessage } from './sse-parser.js';

/** One live event of a batch: a fresh snapshot, the changes since the last one, or the final one before the stream closes. */
export interface BatchEvent {
  /**
   * `snapshot` on connect and on every change; `end` once the batch is final. When
   * changes were asked for, `changes` on every change after the first snapshot.
   */
  type: 'snapshot' | 'changes' | 'end';
  /** The whole batch as it now is (for `changes`: the last snapshot with the changes applied). */
  batch: Batch;
  /** `changes` only: the files that changed or were added since the previous event, as they are in `batch`. */
  changed?: readonly BatchFile[];
}

/**
 * Reads `batch-events` from a response body. Ends when the server closes the stream;
 * throws NetworkError when nothing (not even a heartbeat) arrived for `idleTimeoutMs`
 * — a proxy may hold a dead connection open forever, and the caller should poll instead.
 */
export async function* readBatchEvents(body: ReadableStream<Uint8Array>, controller: AbortController, idleTimeoutMs: number): AsyncGenerator<BatchEvent> {
  const queue: BatchEvent[] = [];
  const live = new LiveBatch();
  const parser = new SseParser((message) => {
    const event = toBatchEvent(message, live);
    if (event) queue.push(event);
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let silent = false;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      silent = true;
      controller.abort(new NetworkError('The live connection went silent.'));
      // Some runtimes do not end a pending read on abort; cancelling the reader does.
      reader.cancel().catch(() => {});
    }, idleTimeoutMs);
  };

  try {
    arm();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (silent) throw new NetworkError('The live connection went silent.', { cause: error });
        if (controller.signal.aborted) throw abortReason(controller.signal);
        throw new NetworkError('The live connection was interrupted.', { cause: error });
      }
      if (silent) throw new NetworkError('The live connection went silent.');
      if (chunk.done) return;
      arm();
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      while (queue.length > 0) yield queue.shift()!;
    }
  } finally {
    clearTimeout(watchdog);
    controller.abort();
    try {
      reader.releaseLock();
    } catch {
      // A read still pending on an aborted stream; the stream is done with either way.
    }
  }
}

function toBatchEvent(message: SseMessage, live: LiveBatch): BatchEvent | null {
  const type = message.event;
  if (type !== BATCH_EVENTS.snapshot && type !== BATCH_EVENTS.end && type !== BATCH_EVENTS.changes) return null;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || typeof (data as Batch).id !== 'string') return null;
  if (type !== BATCH_EVENTS.changes) {
    if (!Array.isArray((data as Batch).files)) return null;
    return { type, batch: live.snapshot(data as Batch) };
  }
  const changes = data as BatchChanges;
  if (!Array.isArray(changes.changed_files)) return null;
  const batch = live.apply(changes);
  return batch ? { type, batch, changed: changes.changed_files } : null;
}
