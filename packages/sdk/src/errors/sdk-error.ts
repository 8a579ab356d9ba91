/**
 * Base class of every error the SDK raises, so a caller can tell SDK failures from
 * its own bugs with one `instanceof` (or {@link isSdkError}, which also works across
 * bundles that each carry their own copy of the SDK).
 */
export abstract class SdkError extends Error {
  /** A stable, machine-readable reason; branch on it, never on `message`. */
  abstract readonly code: string;
}

/** True for any error raised by the SDK. */
export function isSdkError(error: unknown): error is SdkError {
  return error instanceof SdkError || hasMarker(error, ['ApiError', 'NetworkError', 'TimeoutError', 'SessionError']);
}

/** Duck-typed check by class name, for errors that crossed a bundle boundary. */
export function hasMarker(error: unknown, names: readonly string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { name?: unknown }).name === 'string' &&
    names.includes((error as { name: string }).name) &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
