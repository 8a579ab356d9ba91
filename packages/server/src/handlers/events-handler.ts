import type { RequestHandler } from 'express';
import { createSession } from 'better-sse';
import { BATCH_EVENTS, CHANGES_PARAM, TERMINAL_BATCH_STATUSES, type Batch, type BatchChanges } from '@batch-uploader/protocol';
import { ApiError } from '../http/api-error.js';
import { parseBatchId } from '../http/batch-id.js';
import { SentFiles } from '../http/sent-files.js';
import { toWireBatch } from '../http/to-wire.js';
import { errorFields } from '../logger.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { callerOf } from './context.js';

/**
 * `GET /batch-events/:batch_id`: Server-Sent Events. A full snapshot on connect and on
 * every change, comment heartbeats, and an `end` event once the batch is final, after
 * which the stream closes. Changes made in this process are pushed at once; the store
 * is also polled, so changes made by other processes sharing it arrive too.
 *
 * With `?changes=1` only the first event is a full snapshot; every later change is a
 * `changes` event: the batch without its files, and the files that changed since the
 * previous event of this stream. A 10,000-file batch is megabytes as a snapshot, and a
 * client that parses and merges all of it on every change cannot keep up.
 */
export function eventsHandler({ engine, events, logger }: ResolvedRouterOptions): RequestHandler {
  return async (req, res) => {
    const batchId = parseBatchId(req.params.batch_id);
    const sendChanges = wantsChanges(req.query[CHANGES_PARAM]);
    const { workspace_id } = callerOf(res);
    if (!(await engine.getBatchSummary(workspace_id, batchId))) throw new ApiError('BATCH_NOT_FOUND');

    const session = await createSession(req, res, {
      keepAlive: events.heartbeatMs,
      retry: 2_000,
      // no-transform keeps compression middleware and proxies from buffering the stream.
      headers: { 'Cache-Control': 'private, no-cache, no-store, no-transform, must-revalidate, max-age=0' },
    });
    let lastSent = '';
    // With changes: what the stream last sent (the batch fields as JSON, and each file's signature).
    const sentFiles = sendChanges ? new SentFiles() : null;
    let snapshotSent = false;
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
          const found = await engine.getBatch(workspace_id, batchId);
          if (closed || !session.isConnected) return close();
          if (!found) return close();
          const batch = toWireBatch(found.batch, found.files);
          if (sentFiles) pushChanges(batch, sentFiles);
          else pushSnapshot(batch);
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

    const pushSnapshot = (batch: Batch) => {
      const text = JSON.stringify(batch);
      if (text === lastSent) return;
      lastSent = text;
      session.push(batch, BATCH_EVENTS.snapshot);
    };

    // The first event is a snapshot; afterwards the batch fields and the changed files,
    // or a snapshot again when a file the client holds is gone.
    const pushChanges = (batch: Batch, sent: SentFiles) => {
      const { files, ...summary } = batch;
      const summaryText = JSON.stringify(summary);
      const changed = snapshotSent ? sent.changed(files) : null;
      if (changed === null) {
        snapshotSent = true;
        sent.reset(files);
        lastSent = summaryText;
        session.push(batch, BATCH_EVENTS.snapshot);
        return;
      }
      if (changed.length === 0 && summaryText === lastSent) return;
      lastSent = summaryText;
      const changes: BatchChanges = { ...summary, changed_files: changed };
      session.push(changes, BATCH_EVENTS.changes);
    };

    const unsubscribe = engine.events.subscribe(batchId, () => void refresh());
    const poll = setInterval(() => void refresh(), events.pollMs);
    session.once('disconnected', close);
    await refresh();
  };
}

/** `?changes=1` (or `true`) asks for `changes` events; absent, `0` or `false` for snapshots only. */
function wantsChanges(value: unknown): boolean {
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ApiError('INVALID_QUERY', { message: `"${CHANGES_PARAM}" must be 1 or 0.`, details: { parameter: CHANGES_PARAM } });
}
