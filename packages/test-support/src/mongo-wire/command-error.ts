import type { Document } from 'bson';

/** Server error codes this test server answers with (the same numbers mongod uses). */
export const ERROR_CODES = Object.freeze({
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  CursorNotFound: 43,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NotImplemented: 238,
  DuplicateKey: 11000,
});

/** A command that failed: answered as `{ ok: 0, errmsg, code, codeName }` plus any extra fields. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly codeName: keyof typeof ERROR_CODES,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }

  get code(): number {
    return ERROR_CODES[this.codeName];
  }

  /** The reply document mongod would send. */
  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The entry of a `writeErrors` array. */
  toWriteError(index: number): Document {
    return { index, code: this.code, codeName: this.codeName, errmsg: this.message, ...this.extra };
  }
}

/** Wraps anything a handler threw (mingo's own errors included) as a CommandError. */
export function asCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  return new CommandError('BadValue', error instanceof Error ? error.message : String(error));
}
