import type { Readable } from 'node:stream';

/** The file a processor is given. Its bytes are read through `open` or `read`. */
export interface ProcessorFile {
  file_id: string;
  batch_id: string;
  /** Sanitised original name: show it, never use it as a path. */
  filename: string;
  size: number;
  /** MIME type sniffed at upload. */
  detected_type: string | null;
  /** MIME type the client claimed; never trust it. */
  declared_type: string | null;
  /** Streams the bytes. */
  open(): Readable;
  /** Reads all bytes into memory (at most the upload size limit). */
  read(): Promise<Buffer>;
}

/** What a processor knows about the work around a file. */
export interface ProcessorContext {
  /** Aborted when the lease is lost, the server shuts down or the time limit passes. */
  signal: AbortSignal;
  /** 1 on the first try. */
  attempt: number;
  workspace_id: string;
  patient_id: string | null;
  template_id: string | null;
  encounter_id: string | null;
}

/**
 * Turns one file into a result (any JSON value). Throw {@link PermanentError} when the
 * file itself is bad (it fails at once) and {@link TransientError} when trying again
 * later may work; any other error counts as transient.
 */
export type Processor = (file: ProcessorFile, context: ProcessorContext) => Promise<unknown>;

/** The file is bad: fail it now with `message`, which a clerk will read. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Something outside the file failed: try again later, up to the attempt limit. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(
    message: string,
    readonly options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
  }
}

/** True for a {@link PermanentError}, also across copies of this package. */
export function isPermanentError(error: unknown): error is PermanentError {
  return error instanceof Error && error.name === 'PermanentError' && typeof (error as PermanentError).code === 'string';
}

/** True for a {@link TransientError}, also across copies of this package. */
export function isTransientError(error: unknown): error is TransientError {
  return error instanceof Error && error.name === 'TransientError';
}
