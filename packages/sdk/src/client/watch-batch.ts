import type { Batch, BatchFile } from '@batch-uploader/protocol';
import { isAbortError } from '../errors/abort.js';
import { isApiError } from '../errors/api-error.js';
import type { BatchEvent } from './batch-events.js';
import { isBatchFinished } from './batch-finished.js';
import type { LiveMode } from './client-options.js';
import { delay } from './delay.js';
import type { ConditionalBatch, EventsOptions, RequestOptions } from './request-options.js';

/** What following a batch needs of a client: its live events and conditional reads (`BatchClient` has them). */
export interface BatchSource {
  events(batchId: string, options: EventsOptions): AsyncIterable<BatchEvent>;
  getBatchIfChanged(batchId: string, etag: string | null, options?: RequestOptions): Promise<ConditionalBatch>;
}

/** Whether the server answers: `reconnecting` while it cannot be reached and the watch keeps trying. */
export type ConnectionState = 'connected' | 'reconnecting';

/** How a watch currently receives updates. */
export type LiveChannel = 'sse' | 'polling';

/** Options of `BatchClient.watchBatch`. */
export interface WatchOptions {
  /** Stops watching; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /**
   * Called with every new snapshot of the batch, the final one included. When the
   * update came as live `changes`, `changed` lists the files that differ from the
   * previous update's batch (new ones included), so a caller can apply just those.
   */
  onUpdate?: (batch: Batch, changed?: readonly BatchFile[]) => void;
  /** Called when updates start arriving by live events, or when polling takes over. */
  onChannel?: (channel: LiveChannel) => void;
  /** Called for a failed poll that will be retried (the watch goes on). */
  onError?: (error: unknown) => void;
  /**
   * Called with `reconnecting` when the server cannot be reached (the live stream is gone
   * and a poll failed; polls go on with backoff), and with `connected` when it answers again.
   */
  onConnection?: (connection: ConnectionState) => void;
  /** `auto`: live events, polling when they fail. @default the client's `liveMode` */
  mode?: LiveMode;
  /** Milliseconds between polls. @default the client's `pollIntervalMs` */
  pollIntervalMs?: number;
  /** Failed polls in a row after which the watch gives up with the last error (`Infinity`: never). @default 15 */
  maxConsecutiveErrors?: number;
  /** Most milliseconds between two polls while the server cannot be reached (the backoff's cap). @default 2000 */
  maxRetryDelayMs?: number;
}

/** Follows a batch until it finishes; see `BatchClient.watchBatch`. */
export async function watchBatch(client: BatchSource, batchId: string, options: WatchOptions): Promise<Batch> {
  const { signal, onUpdate, onChannel, onError, onConnection, mode = 'auto' } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const maxErrors = options.maxConsecutiveErrors ?? 15;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 2_000;
  let reconnecting = false;
  const answered = () => {
    if (!reconnecting) return;
    reconnecting = false;
    onConnection?.('connected');
  };

  let streamFirst = mode !== 'polling';
  let etag: string | null = null;
  let failures = 0;
  if (!streamFirst) onChannel?.('polling');
  for (;;) {
    if (streamFirst) {
      streamFirst = false;
      const final = await followStream(client, batchId, options, answered);
      if (final) return final;
      onChannel?.('polling');
    }
    try {
      const answer = await client.getBatchIfChanged(batchId, etag, signal ? { signal } : {});
      const recovered = failures > 0;
      failures = 0;
      answered();
      etag = answer.etag;
      if (answer.batch) {
        onUpdate?.(answer.batch);
        if (isBatchFinished(answer.batch)) return answer.batch;
      }
      // Back after an outage: live events again, rather than polling from now on.
      if (recovered && mode === 'auto') {
        streamFirst = true;
        continue;
      }
    } catch (error) {
      if (isAbortError(error) || isFinalApiError(error) || ++failures >= maxErrors) throw error;
      onError?.(error);
      if (!reconnecting) {
        reconnecting = true;
        onConnection?.('reconnecting');
      }
      await delay(retryDelayMs(failures, maxRetryDelayMs), signal);
      continue;
    }
    await delay(pollIntervalMs, signal);
  }
}

/**
 * Reads the live stream until the batch finishes (its final state) or the stream fails
 * or closes (null: polling takes over). Throws what polling cannot mend.
 */
async function followStream(client: BatchSource, batchId: string, options: WatchOptions, answered: () => void): Promise<Batch | null> {
  const { signal, onUpdate, onChannel, mode } = options;
  try {
    let announced = false;
    // Changes, not snapshots: a large batch's snapshot on every change is megabytes to read and merge.
    for await (const event of client.events(batchId, { changes: true, ...(signal ? { signal } : {}) })) {
      if (!announced) {
        announced = true;
        answered();
        onChannel?.('sse');
      }
      if (event.changed) onUpdate?.(event.batch, event.changed);
      else onUpdate?.(event.batch);
      if (event.type === 'end' || isBatchFinished(event.batch)) return event.batch;
    }
    // The stream closed before the end: a proxy timeout or a server restart. Polling takes over.
  } catch (error) {
    if (isAbortError(error) || mode === 'sse' || isFinalApiError(error)) throw error;
  }
  return null;
}

/** Backoff after failed polls: half a second, doubling, at most `max`, so a server back is seen soon. */
function retryDelayMs(failures: number, max: number): number {
  return Math.min(500 * 2 ** (failures - 1), max);
}

// 4xx answers (bad id, unknown batch, no access) will not change by asking again;
// 408 and 429 are the server asking us to slow down, which polling does anyway.
function isFinalApiError(error: unknown): boolean {
  return isApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}
