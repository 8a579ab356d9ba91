import type { Batch, Limits } from '@batch-uploader/protocol';
import type { ApiClient } from './http/api-client.js';
import type { Contract } from './contract/contract.js';
import type { Documents } from './documents.js';

/** How one check ended. `unsupported`: an optional feature the backend does not offer. */
export type Outcome = 'pass' | 'fail' | 'skip' | 'unsupported';

/** A check found the backend does not behave as the protocol says; the message is the one-line reason. */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
}

/** A check could not be made (a prerequisite is missing); the message says why. */
export class CheckSkipped extends Error {
  override readonly name = 'CheckSkipped';
}

/** The backend does not offer an optional feature (its route answers 404 `NOT_FOUND`, 405 or 501). */
export class NotSupported extends Error {
  override readonly name = 'NotSupported';
}

/**
 * The run cannot go on: the server cannot be reached, or refuses the caller. Checks
 * after it are skipped and the command exits with status 2.
 */
export class RunStopped extends Error {
  override readonly name = 'RunStopped';
}

/** A batch the run uploaded, with what it sent. */
export interface UploadedBatch {
  id: string;
  /** Files sent, in order. */
  files: number;
  /** The upload's `tracking_url`, as the server gave it. */
  trackingUrl: string;
}

/** What the checks learn and share, in the order they run. */
export interface RunState {
  limits?: Limits;
  /** The first batch of two valid documents (check `upload`). */
  main?: UploadedBatch;
  /** The main batch once final (check `status.final`). */
  mainFinal?: Batch;
  /** Every batch the run created, oldest first. */
  created: string[];
}

/** What a check works with. */
export interface CheckContext {
  api: ApiClient;
  contract: Contract;
  documents: Documents;
  state: RunState;
  /** Longest wait for a batch to reach a final state, or for a live event, in milliseconds. */
  timeoutMs: number;
  /** Pause between two status polls, in milliseconds. */
  pollIntervalMs: number;
}

/** One behaviour of the protocol, checked against a live backend. */
export interface Check {
  /** Stable id, e.g. `status.etag`. */
  id: string;
  /** What is checked, in one sentence. */
  title: string;
  /** Required checks decide the exit status; optional ones are features a backend may lack. */
  required: boolean;
  /** Checks that must have passed first; otherwise this one is skipped. */
  needs?: readonly string[];
  /** Runs the check; resolves with the reason it passed, or throws {@link CheckFailure}, {@link CheckSkipped}, {@link NotSupported}. */
  run(context: CheckContext): Promise<string>;
}
