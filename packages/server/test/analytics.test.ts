import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalyticsResponse, ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { documents, type Documents } from '@batch-uploader/test-support/documents';
import { assertConforms } from '@batch-uploader/test-support/openapi';
import { startTestServer } from './support/test-server.js';
import { asA, asB, twoClinics, upload, waitForFinished, type UploadPart } from '@batch-uploader/test-support/http';

let server: Awaited<ReturnType<typeof startTestServer>>;
let docs: Documents;

before(async () => {
  docs = await documents();
  server = await startTestServer({ apiTokens: twoClinics() });
});
after(() => server.close());

async function analytics(query: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.api}/batch-analytics${query}`, { headers });
  return { status: res.status, body: await res.json() };
}

async function finishedBatch(files: UploadPart[], headers: Record<string, string>): Promise<void> {
  const { batch_id } = (await (await upload(server.api, files, { patient_id: 'patient-stats-1' }, headers)).json()) as UploadResponse;
  await waitForFinished(server.api, batch_id, headers);
}

describe('workspace analytics', () => {
  it("counts the caller's batches and files per day, with success rate, processing percentiles and top failures", async () => {
    await finishedBatch(
      [
        { name: 'a.png', data: docs.png },
        { name: 'b.pdf', data: docs.truncatedPdf },
        { name: 'c.pdf', data: docs.exe },
      ],
      asA,
    );
    await finishedBatch([{ name: 'd.pdf', data: docs.pdf }], asA);
    // Another workspace's batch, with a failure of the same kind: none of it may count for A.
    await finishedBatch(
      [
        { name: 'e.png', data: docs.png },
        { name: 'f.pdf', data: docs.truncatedPdf },
      ],
      asB,
    );

    const answer = await analytics('', asA);
    assert.equal(answer.status, 200);
    assertConforms('GET', '/batch-analytics', 200, answer.body);
    const { analytics: a } = answer.body as AnalyticsResponse;
    assert.deepEqual(a.totals, { batches: 2, files: 4, pending: 0, processing: 0, completed: 2, failed: 2, cancelled: 0 });
    assert.equal(a.success_rate, 0.5);
    assert.deepEqual(a.top_failures, [
      { code: 'CORRUPT_FILE', count: 1 },
      { code: 'UNSUPPORTED_TYPE', count: 1 },
    ]);
    assert.equal(a.processing_time_ms.samples, 2);
    assert.ok(a.processing_time_ms.p50! >= 0 && a.processing_time_ms.p95! >= a.processing_time_ms.p50!);
    assert.equal(a.days.length, 31, 'the last 30 days and today by default');
    const today = a.days.at(-1)!;
    assert.equal(today.date, new Date().toISOString().slice(0, 10));
    assert.deepEqual(today, { date: today.date, batches: 2, files: 4, completed: 2, failed: 2, cancelled: 0 });
    assert.doesNotMatch(JSON.stringify(answer.body), /patient-stats-1|a\.png/);

    const other = (await analytics('', asB)).body as AnalyticsResponse;
    assert.deepEqual(
      other.analytics.totals,
      { batches: 1, files: 2, pending: 0, processing: 0, completed: 1, failed: 1, cancelled: 0 },
      'each workspace sees its own figures',
    );
    assert.deepEqual(other.analytics.top_failures, [{ code: 'CORRUPT_FILE', count: 1 }]);

    const sinceToday = (await analytics(`?since=${today.date}`, asA)).body as AnalyticsResponse;
    assert.equal(sinceToday.analytics.days.length, 1);
    assert.equal(sinceToday.analytics.since, `${today.date}T00:00:00.000Z`);
    const withTime = await analytics(`?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`, asA);
    assert.equal(withTime.status, 200);
    // The "+" of an offset typed into a URL unencoded reads as a space; it still means "+".
    const withOffset = (await analytics(`?since=${today.date}T01:00:00+01:00`, asA)).body as AnalyticsResponse;
    assert.equal(withOffset.analytics.since, `${today.date}T00:00:00.000Z`);
  });

  it('answers 400 for a since that is not a date, does not exist, is in the future or too long ago', async () => {
    const inAYear = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
    const longAgo = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
    for (const query of [
      '?since=yesterday',
      '?since=2026-02-31',
      '?since=2026-1-5',
      `?since=${inAYear}`,
      `?since=${longAgo}`,
      '?since=',
      '?from=2026-01-01',
      '?since=a&since=b',
    ]) {
      const answer = await analytics(query, asA);
      assert.equal(answer.status, 400, query);
      assertConforms('GET', '/batch-analytics', 400, answer.body);
      assert.equal((answer.body as ErrorResponse).error.code, 'INVALID_QUERY', query);
    }
    const anonymous = await analytics('', {});
    assert.equal(anonymous.status, 401);
  });
});
