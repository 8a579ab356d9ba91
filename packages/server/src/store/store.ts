import type { Analytics } from './analytics.js';
import type { BatchControl } from './batch-control.js';
import type { BatchRecords } from './batch-records.js';
import type { FileQueue } from './file-queue.js';
import type { Outbox } from './outbox.js';
import type { Retention } from './retention.js';

/**
 * Where batches and files are recorded, as the roles one storage (a SQLite file, a
 * MongoDB database) plays for the engine and the router. Each role is a small interface
 * of its own, usually implemented by its own class on a connection the roles share:
 *
 * - `records` ({@link BatchRecords}): batches and their files, created and read;
 * - `control` ({@link BatchControl}): cancel, pause, resume, retry, append, close;
 * - `queue` ({@link FileQueue}): the file records as the processing queue, with leases;
 * - `retention` ({@link Retention}): which bytes and batches may go, and recording that they went;
 * - `outbox` ({@link Outbox}), optional: durable messages to deliver (webhooks, emails). Without
 *   it the engine refuses the `webhooks` and `email` options;
 * - `analytics` ({@link Analytics}), optional: a workspace's figures. Without it the
 *   analytics route answers `NOT_SUPPORTED`.
 *
 * Times are the store's own clock; callers pass durations, never instants, so that
 * several processes sharing one store do not depend on agreeing clocks. Every read and
 * write that a caller makes on behalf of a user is scoped by `workspaceId`: a batch of
 * another workspace is the same as no batch.
 *
 * A store is correct when it passes the conformance suites in `@batch-uploader/server/testing`.
 */
export interface Store {
  /** Opens connections and creates tables or indexes (idempotent). */
  init(): Promise<void>;
  /** Releases connections. In-flight calls may fail afterwards. */
  close(): Promise<void>;

  readonly records: BatchRecords;
  readonly control: BatchControl;
  readonly queue: FileQueue;
  readonly retention: Retention;
  /** Optional capability: the durable outbox webhooks and emails are delivered from. */
  readonly outbox?: Outbox | undefined;
  /** Optional capability: a workspace's figures. */
  readonly analytics?: Analytics | undefined;
}

/** The roles every store plays, by the name of their property. */
export const REQUIRED_ROLES = Object.freeze(['records', 'control', 'queue', 'retention'] as const);

/**
 * The required roles a value offered as a store lacks (empty for a store): caught at
 * construction, so a store written for the former single interface fails with a
 * sentence instead of at its first call.
 */
export function missingRoles(store: object): string[] {
  return REQUIRED_ROLES.filter((role) => {
    const value = (store as Record<string, unknown>)[role];
    return typeof value !== 'object' || value === null;
  });
}

export type { Analytics, BatchControl, BatchRecords, FileQueue, Outbox, Retention };
