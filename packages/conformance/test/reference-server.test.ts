/**
 * The reference server (the demo server, run as `npm start` runs it) passes every check
 * of the kit, required and optional, in dev mode and with tokens; without the token it
 * requires, the run stops at once and says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CHECK_LIST, exitCodeOf, runConformance } from '../src/index.js';
import { referenceSkip as skip, startReference, type Reference } from './support/reference-server.js';
import { assertAllPassed, result } from './support/report.js';

const TOKEN = 'conformance-test-token-0123456789';
/**
 * A processing delay gives the cancel and pause checks a running batch to act on, as
 * a real document processor does; small limits keep the over-limit uploads light.
 */
const SERVER_ENV = { PROCESSING_DELAY_MS: '400', MAX_FILE_SIZE_MB: '2', SSE_HEARTBEAT_MS: '1000' };
const RUN = { pollIntervalMs: 100, timeoutMs: 60_000 };

describe('the reference server against the conformance kit', { skip }, () => {
  let devMode: Reference;
  let withTokens: Reference;
  before(async () => {
    [devMode, withTokens] = await Promise.all([
      startReference(SERVER_ENV),
      startReference({ ...SERVER_ENV, API_TOKENS: `${TOKEN}:clinic-a,another-token-of-clinic-b:clinic-b` }),
    ]);
  });
  after(() => Promise.all([devMode?.stop(), withTokens?.stop()]));

  it('in dev mode (no API_TOKENS), every required and optional check passes', async () => {
    const report = await runConformance({ baseUrl: devMode.api, ...RUN });
    assert.deepEqual(
      report.checks.map((c) => c.id),
      CHECK_LIST.map((c) => c.id),
      'every check ran, in order',
    );
    assertAllPassed(report);
    assert.match(result(report, 'auth').reason, /requires none/);
    assert.equal(exitCodeOf(report), 0);
  });

  it('with API_TOKENS and the token, every required and optional check passes, and a wrong or missing token is refused with 401', async () => {
    const report = await runConformance({ baseUrl: withTokens.api, token: TOKEN, ...RUN });
    assertAllPassed(report);
    assert.match(result(report, 'auth').reason, /without it, or with a wrong one, the server answers 401 UNAUTHORIZED/);
    assert.ok(!JSON.stringify(report).includes(TOKEN), 'the token is nowhere in the report');
  });

  it('with API_TOKENS and no token, the run stops at auth: the 401 envelope is reported with what to do, and nothing else runs', async () => {
    const report = await runConformance({ baseUrl: withTokens.api, ...RUN });
    const auth = result(report, 'auth');
    assert.equal(auth.outcome, 'fail');
    assert.match(auth.reason, /requires a token: without one it answers 401 UNAUTHORIZED with the error envelope\. Run again with --token/);
    assert.equal(report.stopped, auth.reason);
    assert.ok(
      report.checks.slice(1).every((c) => c.outcome === 'skip'),
      'every other check is not run',
    );
    assert.equal(exitCodeOf(report), 2);
  });

  it('with a token the server does not know, the run stops at auth and says the token was refused', async () => {
    const report = await runConformance({ baseUrl: withTokens.api, token: 'a-token-no-workspace-has-0000', ...RUN });
    assert.match(report.stopped ?? '', /refused the token given with --token: GET \/limits answered 401/);
    assert.ok(!JSON.stringify(report).includes('a-token-no-workspace-has-0000'));
    assert.equal(exitCodeOf(report), 2);
  });

  it("pointed at the server but not at the API's base path, the run stops and names what to give", async () => {
    const report = await runConformance({ baseUrl: devMode.api.replace(/\/api\/gp$/, ''), ...RUN });
    assert.match(report.stopped ?? '', /GET \/limits answered 404: is .* the base URL of the batch API/);
    assert.equal(exitCodeOf(report), 2);
  });
});
