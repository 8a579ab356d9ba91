import type { RequestHandler } from 'express';
import { createSession } from 'better-sse';
import { BATCH_EVENTS, TERMINAL_BATCH_STATUSES } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { parseBatchId } from '../http/batch-id.js';
import { toWireBatch } from '../http/to-wire.js';
import { errorFields } from '../logger.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';

/**
 * `GET /batch-events/:batch_id`: Server-Sent Events. A full snapshot on connect and on
 * every change, comment heartbeats, and an `end` event once the batch is final, after
 * which the stream closes. Changes made in this process are pushed at once; the store
 * is also polled, so changes made by other processes sharing it arrive too.
 */
export function eventsHandler({ engine, events, logger }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const { workspace_id } = callerOf(res);
    if (!(await engine.store.getBatchSummary(workspace_id, batchId))) throw new ApiError('BATCH_NOT_FOUND');

    const session = await createSession(req, res, {
      keepAlive: events.heartbeatMs,
      retry: 2_000,
      // no-transform keeps compression middleware and proxies from buffering the stream.
      headers: { 'Cache-Control': 'private, no-cache, no-store, no-transform, must-revalidate, max-age=0' },
    });
    let lastSent = '';
    let running = false;
    let again = false;
    let closed = false;

    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(poll);
      if (!res.writableEnded) res.end();
    };

    // Coalesces bursts of changes into one read; a change during a read triggers one more.
    const refresh = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const found = await engine.store.getBatch(workspace_id, batchId);
          if (closed || !session.isConnected) return close();
          if (!found) return close();
          const batch = toWireBatch(found.batch, found.files);
          const text = JSON.stringify(batch);
          if (text !== lastSent) {
            lastSent = text;
            session.push(batch, BATCH_EVENTS.snapshot);
          }
          if (TERMINAL_BATCH_STATUSES.includes(batch.status) && found.batch.finished_at) {
            session.push(batch, BATCH_EVENTS.end);
            return close();
          }
        } while (again);
      } catch (error) {
        logger.warn({ batch_id: batchId, ...errorFields(error) }, 'live batch update failed');
      } finally {
        running = false;
      }
    };

    const unsubscribe = engine.events.subscribe(batchId, () => void refresh());
    const poll = setInterval(() => void refresh(), events.pollMs);
    session.once('disconnected', close);
    await refresh();
  };
}
