/**
 * True when work stopped because its AbortSignal fired (the caller cancelled, the
 * session was disposed). Such errors are expected and usually need no message.
 */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** The error to throw when a signal has fired: its reason when it is an error, else an AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error || (typeof DOMException !== 'undefined' && reason instanceof DOMException)
    ? reason
    : new DOMException('The operation was aborted.', 'AbortError');
}
