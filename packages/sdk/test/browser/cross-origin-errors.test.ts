/**
 * A request that gets no answer, from a page to a server on another origin, in
 * Chromium: there a refused CORS check and an unreachable server look the same, so the
 * NetworkError names both possibilities. The server here is a closed port on another
 * origin than the test page's. (client-msw.test.ts: on the page's own origin, no word of CORS.)
 */
import { BatchClient, isNetworkError, type NetworkError } from '../../src/index.js';

declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void> | void) => void;

function ok(value: unknown, message: string): asserts value {
  if (!value) throw new Error(message);
}

// Nothing listens on port 3 of the loopback: the connection is refused, no answer comes.
const ELSEWHERE = 'http://127.0.0.1:3/api/gp';
const pdf = () => new File(['%PDF-1.4'], 'a.pdf', { type: 'application/pdf' });

async function networkError(call: () => Promise<unknown>, what: string): Promise<NetworkError> {
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  ok(isNetworkError(error), `${what}: a NetworkError, got ${String(error)}`);
  return error;
}

describe('a server on another origin that does not answer', () => {
  it('is a NetworkError that names CORS and both origins, from fetch, XMLHttpRequest and live events', async () => {
    ok(new URL(ELSEWHERE).origin !== location.origin, 'the server is on another origin than the page');
    const client = new BatchClient({ endpoint: ELSEWHERE, retry: 0, liveMode: 'sse' });
    const errors = [
      await networkError(() => client.getLimits(), 'a JSON call (fetch)'),
      await networkError(() => client.upload([pdf()]), 'an upload (XMLHttpRequest)'),
      await networkError(() => new BatchClient({ endpoint: ELSEWHERE, uploadTransport: 'fetch' }).upload([pdf()]), 'an upload (fetch)'),
      await networkError(async () => {
        for await (const event of client.events('00000000-0000-4000-8000-000000000000')) void event;
      }, 'live events'),
    ];
    for (const error of errors) {
      ok(error.crossOrigin, 'crossOrigin is set');
      ok(/CORS/.test(error.message) && /cross-origin/.test(error.message), `the message names CORS: ${error.message}`);
      ok(error.message.includes('http://127.0.0.1:3') && error.message.includes(location.origin), `the message names both origins: ${error.message}`);
    }
  });
});
