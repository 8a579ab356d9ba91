import type { Document, Filter } from 'mongodb';
import { CLAIM_STEP_MS } from '../../store/records.js';
import type { NowExpression } from './mongo-clock.js';
import type { BatchDoc, FileDoc } from './mongo-documents.js';

/**
 * Update pipelines and filters of the MongoDB store. Every instant is `now`: `$$NOW`, the
 * server's clock at the time of the write, so that instances whose clocks disagree still
 * agree on leases, backoffs and order (or the store's given clock, in tests). Within one
 * `$set` stage every expression reads the document as it was before the stage, so the
 * order of fields below does not matter.
 *
 * Values that come from callers (owners, tokens, JSON text) are wrapped in `$literal`:
 * in a pipeline a string starting with "$" would otherwise be read as a field path.
 */
const EPOCH = new Date(0);
const CLEAR_LEASE = Object.freeze({ lease_owner: null, lease_token: null, lease_expires_at: null });
const IN_CANCELLED_BATCH = Object.freeze({ $eq: ['$batch_state', 'cancelled'] });

/** A change to the batch: `updated_at` moved to now but never backwards, and `version` one up. */
function touched(now: NowExpression) {
  return {
    updated_at: { $max: ['$updated_at', now] },
    version: { $add: [{ $ifNull: ['$version', 0] }, 1] },
  };
}

/** A held-for-review file gets its decision, by whom, at the store's time. */
export function decideReview(now: NowExpression, decision: string, decidedBy: string): Document[] {
  return [{ $set: { review_decision: { $literal: decision }, reviewed_by: { $literal: decidedBy }, reviewed_at: now } }];
}

/** Pending files of open batches whose backoff (if any) has passed. */
export function readyToClaim(now: NowExpression): Filter<FileDoc> {
  return {
    status: 'pending',
    batch_state: 'open',
    $expr: { $lte: [{ $ifNull: ['$run_after', EPOCH] }, now] },
  };
}

/** Files a claim may come from, by workspace: the `claim_by_workspace` index (less the run_after test). */
export const WAITING = Object.freeze({ status: 'pending', batch_state: 'open' } as const);

/**
 * The claim order within the workspaces a claim looks at: the batch's claim key, then
 * batch id, then position (the `claim_by_workspace` index, after its workspace).
 */
export const CLAIM_SORT = Object.freeze({ claim_at: 1, batch_id: 1, position: 1 } as const);

/**
 * A workspace got a claim: its last claim is now, and no earlier than just after `after`
 * (the latest claim of the workspaces the claimer saw waiting) or its own last one, so
 * that it goes to the back of the rotation even when clocks tick in whole milliseconds.
 */
export function takeTurn(now: NowExpression, after: Date): Document[] {
  return [{ $set: { last_claim_at: { $max: [now, { $add: [after, 1] }, { $add: [{ $ifNull: ['$last_claim_at', EPOCH] }, 1] }] } } }];
}

/** Held files whose lease has run out. */
export function leaseExpired(now: NowExpression): Filter<FileDoc> {
  return {
    status: 'processing',
    $expr: { $lte: [{ $ifNull: ['$lease_expires_at', EPOCH] }, now] },
  };
}

/** A pending file becomes processing under a fresh lease. */
export function claimFile(now: NowExpression, owner: string, token: string, leaseMs: number): Document[] {
  return [
    {
      $set: {
        status: 'processing',
        attempts: { $add: ['$attempts', 1] },
        started_at: { $ifNull: ['$started_at', now] },
        run_after: null,
        lease_owner: { $literal: owner },
        lease_token: { $literal: token },
        lease_expires_at: { $add: [now, leaseMs] },
      },
    },
  ];
}

/** The batch moves back in the claim order by one step, and is touched. */
export function stepClaimOrder(now: NowExpression): Document[] {
  return [{ $set: { claim_at: { $add: ['$claim_at', CLAIM_STEP_MS] }, ...touched(now) } }];
}

/** The lease runs `leaseMs` from now. A lease is bookkeeping: the batch's updated_at stays. */
export function renewLease(now: NowExpression, leaseMs: number): Document[] {
  return [{ $set: { lease_expires_at: { $add: [now, leaseMs] } } }];
}

/** A held file ends completed or failed. */
export function finishFile(
  now: NowExpression,
  status: 'completed' | 'failed',
  result: string | null,
  error: string | null,
  review: string | null = null,
): Document[] {
  return [
    {
      $set: {
        status,
        result: { $literal: result },
        error: { $literal: error },
        review_reason: { $literal: review },
        review_decision: null,
        reviewed_by: null,
        reviewed_at: null,
        completed_at: now,
        ...CLEAR_LEASE,
      },
    },
  ];
}

/**
 * A held file goes back to pending after `delayMs`, or, when its batch was cancelled
 * meanwhile, ends cancelled with the batch's error. A null `error` keeps the last one.
 */
export function releaseFile(now: NowExpression, delayMs: number, error: string | null, refundAttempt: boolean): Document[] {
  return [
    {
      $set: {
        attempts: refundAttempt ? { $max: [0, { $subtract: ['$attempts', 1] }] } : '$attempts',
        error: { $cond: [IN_CANCELLED_BATCH, '$cancel_error', error === null ? '$error' : { $literal: error }] },
        run_after: { $cond: [IN_CANCELLED_BATCH, '$run_after', { $add: [now, delayMs] }] },
        completed_at: { $cond: [IN_CANCELLED_BATCH, now, '$completed_at'] },
        status: { $cond: [IN_CANCELLED_BATCH, 'cancelled', 'pending'] },
        ...CLEAR_LEASE,
      },
    },
  ];
}

/**
 * A file whose worker died: failed with `error` once it used `maxAttempts`, cancelled
 * when its batch was cancelled, else pending again at once.
 */
export function reclaimFile(now: NowExpression, maxAttempts: number, error: string | null): Document[] {
  const exhausted = { $gte: ['$attempts', maxAttempts] };
  return [
    {
      $set: {
        error: { $cond: [exhausted, { $literal: error }, { $cond: [IN_CANCELLED_BATCH, '$cancel_error', '$error'] }] },
        result: { $cond: [exhausted, null, '$result'] },
        completed_at: { $cond: [{ $or: [exhausted, IN_CANCELLED_BATCH] }, now, '$completed_at'] },
        run_after: null,
        status: { $cond: [exhausted, 'failed', { $cond: [IN_CANCELLED_BATCH, 'cancelled', 'pending'] }] },
        ...CLEAR_LEASE,
      },
    },
  ];
}

/** The batch is marked cancelled (the one write that decides who cancelled it), and any hold for appends released. */
export function cancelBatch(now: NowExpression, error: string | null): Document[] {
  return [{ $set: { cancelled_at: now, cancel_error: { $literal: error }, held_until: null, ...touched(now) } }];
}

/**
 * Every file of a cancelled batch learns it (so it is never claimed, and a held one ends
 * cancelled when released or reclaimed); pending ones end cancelled now. Idempotent.
 */
export function cancelFiles(now: NowExpression, error: string | null): Document[] {
  const pending = { $eq: ['$status', 'pending'] };
  return [
    {
      $set: {
        batch_state: 'cancelled',
        cancel_error: { $literal: error },
        error: { $cond: [pending, { $literal: error }, '$error'] },
        completed_at: { $cond: [pending, now, '$completed_at'] },
        run_after: { $cond: [pending, null, '$run_after'] },
        status: { $cond: [pending, 'cancelled', '$status'] },
      },
    },
  ];
}

/** The batch is paused (keeping the time of a first pause) or resumed, and its state number grows. */
export function setPaused(now: NowExpression, paused: boolean): Document[] {
  return [
    {
      $set: {
        paused_at: paused ? { $ifNull: ['$paused_at', now] } : null,
        state_seq: { $add: [{ $ifNull: ['$state_seq', 0] }, 1] },
        ...touched(now),
      },
    },
  ];
}

/** A failed file goes back to the queue as if new, no earlier in the claim order than `claimAt`. */
export function retryFile(claimAt: Date): Document[] {
  return [
    {
      $set: {
        status: 'pending',
        attempts: 0,
        error: null,
        result: null,
        started_at: null,
        completed_at: null,
        run_after: null,
        claim_at: { $max: ['$claim_at', claimAt] },
      },
    },
  ];
}

/** A batch whose failed files were retried is open again, no earlier in the claim order than `claimAt`. */
export function reopenBatch(now: NowExpression, claimAt: Date): Document[] {
  return [{ $set: { finished_at: null, claim_at: { $max: ['$claim_at', claimAt] }, ...touched(now) } }];
}

/**
 * Positions for `count` appended files are reserved, and one more append is in flight;
 * the batch is held open for appends `holdMs` from now, or, with null, the hold is
 * released (the batch may finish once this append ends and its files are done).
 */
export function reserveAppend(now: NowExpression, count: number, holdMs: number | null): Document[] {
  return [
    {
      $set: {
        held_until: holdMs === null ? null : { $add: [now, holdMs] },
        total_files: { $add: ['$total_files', count] },
        next_position: { $add: [{ $ifNull: ['$next_position', '$total_files'] }, count] },
        appending: { $add: [{ $ifNull: ['$appending', 0] }, 1] },
        ...touched(now),
      },
    },
  ];
}

/** A held batch stays held at least `holdMs` from now (never shorter than it was); not on the wire, so not a new version. */
export function extendHold(now: NowExpression, holdMs: number): Document[] {
  return [{ $set: { held_until: { $max: ['$held_until', { $add: [now, holdMs] }] } } }];
}

/** An append ended; `unstored` files it reserved were not stored after all. */
export function endAppend(now: NowExpression, unstored: number): Document[] {
  return [
    {
      $set: {
        appending: { $max: [0, { $subtract: [{ $ifNull: ['$appending', 0] }, 1] }] },
        total_files: { $subtract: ['$total_files', unstored] },
        ...touched(now),
      },
    },
  ];
}

/** The batch is touched and, when `done`, finished (once: a finished_at already set stays). */
export function settleBatch(now: NowExpression, done: boolean): Document[] {
  return [{ $set: { ...touched(now), ...(done ? { finished_at: { $ifNull: ['$finished_at', now] } } : {}) } }];
}

/** Open batches whose hold for appends has run out. */
export function holdExpired(now: NowExpression): Filter<BatchDoc> {
  return {
    finished_at: null,
    held_until: { $ne: null },
    $expr: { $lte: ['$held_until', now] },
  };
}

/** The hold for appends is released, and the batch touched. */
export function releaseHold(now: NowExpression): Document[] {
  return [{ $set: { held_until: null, ...touched(now) } }];
}

/** The batch is touched. */
export function touchBatch(now: NowExpression): Document[] {
  return [{ $set: { ...touched(now) } }];
}

/** A file's content fields become what retention leaves (see `purgedFile`). */
export function purgeFile(now: NowExpression, purged: { filename: string; result: string | null; error: string | null }): Document[] {
  return [
    {
      $set: {
        filename: { $literal: purged.filename },
        result: { $literal: purged.result },
        error: { $literal: purged.error },
        content_purged_at: now,
      },
    },
  ];
}

/** A batch's patient and encounter ids are removed with its files' content, and it is touched. */
export function purgeBatch(now: NowExpression): Document[] {
  return [{ $set: { patient_id: null, encounter_id: null, content_purged_at: now, ...touched(now) } }];
}

/** A timestamp field is set to now. */
export function stamp(now: NowExpression, field: 'blob_purged_at' | 'blobs_purged_at' | 'finished_at'): Document[] {
  return [{ $set: { [field]: now } }];
}
