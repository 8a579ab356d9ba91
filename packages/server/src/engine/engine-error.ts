/**
 * Why the engine refused an operation, with the facts needed to say so. Each `code` is a
 * code of the protocol's `ERRORS` table, so the router answers with that error as it is.
 */
export type Refusal =
  /** The workspace has no batch with this id (another workspace's batch included). */
  | { code: 'BATCH_NOT_FOUND' }
  /** The batch finished or was cancelled, so it takes no more commands of this kind. */
  | { code: 'BATCH_NOT_OPEN' }
  /** The batch was cancelled, so its files cannot run again. */
  | { code: 'BATCH_CANCELLED' }
  /** No failed file of the batch has its bytes; `not_retryable` failed files have none. */
  | { code: 'NOTHING_TO_RETRY'; not_retryable: number }
  /** The files would not fit: the batch holds `total_files` of at most `max_files`. */
  | { code: 'TOO_MANY_FILES'; total_files: number; max_files: number }
  /** The batch has no file with this id. */
  | { code: 'FILE_NOT_FOUND' }
  /** The file is not held for review (never was: only completed files that named another patient are). */
  | { code: 'NOTHING_TO_REVIEW' }
  /** The file was decided already, the other way (`decision` is what stands). */
  | { code: 'ALREADY_REVIEWED'; decision: 'confirmed' | 'rejected' }
  /** The store does not play the role this needs (`analytics` is optional). */
  | { code: 'NOT_SUPPORTED'; feature: 'analytics' };

const DESCRIPTIONS: Readonly<Record<Refusal['code'], string>> = {
  BATCH_NOT_FOUND: 'The workspace has no batch with this id.',
  BATCH_NOT_OPEN: 'The batch has finished or was cancelled.',
  BATCH_CANCELLED: 'The batch was cancelled: its files cannot run again.',
  NOTHING_TO_RETRY: 'No failed file of the batch has its bytes, so none can run again.',
  TOO_MANY_FILES: 'The batch would hold more files than its limit.',
  FILE_NOT_FOUND: 'The batch has no file with this id.',
  NOTHING_TO_REVIEW: 'The file is not held for review.',
  ALREADY_REVIEWED: 'The file was reviewed already with the other decision.',
  NOT_SUPPORTED: 'The store does not offer this.',
};

/**
 * An operation the engine refused; nothing was changed. Callers branch on `code` (or on
 * `refusal`, which carries the facts), never on the message.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: Refusal['code'];

  constructor(readonly refusal: Refusal) {
    super(DESCRIPTIONS[refusal.code]);
    this.code = refusal.code;
  }
}

/** True for an {@link EngineError}. */
export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError;
}

/** The refusal of a store command's outcome that is not the one asked for. */
export function refusalOf(outcome: 'not_found' | 'not_open' | 'cancelled'): EngineError {
  switch (outcome) {
    case 'not_found':
      return new EngineError({ code: 'BATCH_NOT_FOUND' });
    case 'not_open':
      return new EngineError({ code: 'BATCH_NOT_OPEN' });
    case 'cancelled':
      return new EngineError({ code: 'BATCH_CANCELLED' });
  }
}
