/** How long and how often {@link waitFor} polls. */
export interface WaitOptions {
  /** @default 20_000 */
  timeoutMs?: number;
  /** @default 50 */
  everyMs?: number;
  /** What is waited for, named in the timeout error. */
  what?: string;
}

/**
 * Polls `check` until it returns a truthy value and resolves with it; fails after
 * `timeoutMs` with the last error `check` threw, if any. Runs in Node and in browsers.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions | number = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 20_000, everyMs = 50, what } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      // A check may throw until the thing exists (e.g. a 404 before a batch is there).
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms${what ? `: ${what}` : ''}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
