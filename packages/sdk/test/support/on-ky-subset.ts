/**
 * Makes `ky` resolve, in this test process, to the subset on fetch that the
 * self-contained browser bundles carry in its place (src/client/ky-subset.browser.ts),
 * then runs `suite` — one of the client's msw suites — on it, so both must behave the
 * same: envelopes, retries of GETs only, Retry-After, timeouts, network errors, aborts,
 * auth headers, paging, 304s, live streams.
 */
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { it } from 'node:test';

export async function onKySubset(suite: () => Promise<unknown>): Promise<void> {
  register('./ky-subset-loader.mjs', import.meta.url);
  it('runs on the subset, not on ky', async () => {
    const ky = await import('ky');
    assert.ok(!('isHTTPError' in ky), 'ky itself was loaded: the module hook did not apply');
    assert.deepEqual(Object.keys(ky).sort(), ['HTTPError', 'TimeoutError', 'default']);
  });
  await suite();
}
