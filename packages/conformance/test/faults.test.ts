/**
 * The kit against a backend of its own (a small one written here from the README and the
 * document): with the required behaviours it passes and its missing features are "not
 * supported"; with one behaviour broken, the check of that behaviour fails. So the kit is
 * proven able to fail, for the reason a team needs to read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitCodeOf, runConformance, type ConformanceOptions, type ConformanceReport } from '../src/index.js';
import { startToyBackend, type ToyOptions } from './support/toy-backend.js';
import { assertOutcomes, outcomes, result } from './support/report.js';

const RUN = { pollIntervalMs: 50, timeoutMs: 15_000 } satisfies Partial<ConformanceOptions>;

async function runAgainst(toy: ToyOptions, run: Partial<ConformanceOptions> = {}): Promise<ConformanceReport> {
  const backend = await startToyBackend(toy);
  try {
    return await runConformance({ baseUrl: backend.api, ...RUN, ...run });
  } finally {
    await backend.close();
  }
}

describe('the conformance kit against a backend of its own', () => {
  it('a backend with the required behaviours passes every required check; pause, append, close, retry, analytics and review are reported as not supported', async () => {
    const report = await runAgainst({});
    const required = report.checks.filter((c) => c.required);
    assert.ok(
      required.every((c) => c.outcome === 'pass'),
      outcomes(report),
    );
    assertOutcomes(report, {
      'errors.unknown-route': 'pass',
      pause: 'unsupported',
      append: 'unsupported',
      close: 'unsupported',
      retry: 'unsupported',
      analytics: 'unsupported',
      'review.refusals': 'unsupported',
    });
    assert.match(result(report, 'pause').reason, /^not supported: POST \/batch\/\{batch_id\}\/pause answered 404 NOT_FOUND$/);
    assert.match(result(report, 'events.changes').reason, /snapshots only/);
    assert.equal(report.summary.optional.unsupported, 6);
    assert.equal(exitCodeOf(report), 0);
  });

  it('a status answer without progress fails the status check, naming the missing field', async () => {
    const report = await runAgainst({ faults: { statusWithoutProgress: true } });
    assertOutcomes(report, { status: 'fail', upload: 'pass', events: 'pass' });
    assert.match(
      result(report, 'status').reason,
      /GET \/batch-status\/\{batch_id\} 200 does not match the document: \/batch must have required property 'progress'/,
    );
    assert.equal(exitCodeOf(report), 1);
  });

  it('a status answer without an ETag fails the ETag check, while polling still follows the batch', async () => {
    const report = await runAgainst({ faults: { noEtag: true } });
    assertOutcomes(report, { 'status.etag': 'fail', polling: 'pass', status: 'pass' });
    assert.match(result(report, 'status.etag').reason, /no ETag header/);
    assert.equal(exitCodeOf(report), 1);
  });

  it('errors without the envelope fail the error checks', async () => {
    const report = await runAgainst({ faults: { plainErrors: true } });
    assertOutcomes(report, {
      'errors.unknown-batch': 'fail',
      'errors.malformed-id': 'fail',
      'errors.no-files': 'fail',
      'cancel.finished': 'fail',
      'limits.max-files': 'fail',
      'errors.unknown-route': 'fail',
      upload: 'pass',
    });
    assert.match(result(report, 'errors.unknown-batch').reason, /GET \/batch-status\/\{batch_id\} 404 does not match the document: /);
    assert.equal(exitCodeOf(report), 1);
  });

  it('an event stream that never sends end fails the events checks within the timeout, while polling still follows the batch', async () => {
    const report = await runAgainst({ faults: { eventsNeverEnd: true } }, { timeoutMs: 3_000 });
    assertOutcomes(report, { events: 'fail', 'events.changes': 'fail', polling: 'pass' });
    assert.match(result(report, 'events').reason, /^no end event within 3 s \(\d+ events came; the batch is completed and finished by its status\)$/);
    assert.equal(exitCodeOf(report), 1);
  });

  it('history listed oldest first fails the history check', async () => {
    const report = await runAgainst({ faults: { historyOldestFirst: true } });
    assertOutcomes(report, { history: 'fail' });
    assert.match(result(report, 'history').reason, /not newest first|not on the first page/);
  });

  it('a cancel of a finished batch that answers 200 fails cancel.finished, while the cancel of a running batch passes', async () => {
    const report = await runAgainst({ faults: { cancelAnything: true } });
    assertOutcomes(report, { 'cancel.finished': 'fail', cancel: 'pass' });
    assert.match(result(report, 'cancel.finished').reason, /answered 200, expected 409 BATCH_NOT_OPEN/);
  });

  it('options that cannot work are refused before anything is sent, saying what to pass', async () => {
    await assert.rejects(runConformance({ baseUrl: 'localhost:3000/api/gp' }), {
      name: 'TypeError',
      message: /`baseUrl` must be an http:\/\/ or https:\/\/ URL/,
    });
    await assert.rejects(runConformance({ baseUrl: 'http://127.0.0.1:1/api', timeoutMs: 0 }), {
      name: 'TypeError',
      message: /`timeoutMs` must be a number of milliseconds > 0/,
    });
  });

  it('sends the token as a bearer token: a backend that requires it passes with it, and stops the run without it', async () => {
    const token = 'toy-backend-token-abcdef0123';
    const withToken = await runAgainst({ token }, { token });
    assert.ok(
      withToken.checks.filter((c) => c.required).every((c) => c.outcome === 'pass'),
      outcomes(withToken),
    );
    const without = await runAgainst({ token });
    assert.match(without.stopped ?? '', /requires a token/);
    assert.equal(exitCodeOf(without), 2);
  });
});
