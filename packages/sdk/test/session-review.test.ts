/**
 * Files held for review (the server's wrong-patient guard) in the session, against the real
 * demo server with a patient registry and a processing service that reads each PDF's
 * patient fields: the held file is counted, listed first among the files needing attention,
 * and confirmed or rejected with `reviewFile`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError, BatchSession, selectAttention, selectCounts, selectOutcome, selectSummary, type SessionFile } from '../src/index.js';
import { letterPdf } from '@batch-uploader/test-support/patient-letters';
import { demoSkip as skip, startDemo, type RunningDemo } from './demo.js';

const JANE = { name: 'Jane Doe', date_of_birth: '1980-03-07', nhs_number: '9990000018' };
const JOHN = { name: 'John Smith', date_of_birth: '1955-11-30', nhs_number: '9990011389' };

describe('BatchSession and files held for review', { skip }, () => {
  let demo: RunningDemo & { api: string };
  let service: { url: string; close(): Promise<void> };
  before(async () => {
    const { startProcessingService } = await import('@batch-uploader/test-support/processing-service');
    service = await startProcessingService({ documentFields: true });
    const patients = [{ patient_id: 'P-1001', ...JANE }];
    demo = await startDemo({ processorUrl: service.url, patients, concurrency: 1 });
  });
  after(async () => {
    await demo?.close();
    await service?.close();
  });

  async function finishedSession(): Promise<BatchSession> {
    const session = new BatchSession({ client: { endpoint: demo.api }, fields: { patient_id: 'P-1001' } });
    const pdf = async (name: string, who: Record<string, string>) => new File([await letterPdf('Letter', who)], name, { type: 'application/pdf' });
    await session.addFiles([await pdf('jane.pdf', JANE), await pdf('john.pdf', JOHN), await pdf('other-john.pdf', JOHN)]);
    await session.start();
    await session.whenFinished();
    return session;
  }

  it('counts held files, lists them first in attention, and makes the outcome partial', async () => {
    const session = await finishedSession();
    const state = session.getState();
    assert.deepEqual(
      state.files.map((f) => [f.name, f.status, f.needsReview ?? null]),
      [
        ['jane.pdf', 'completed', null],
        ['john.pdf', 'completed', true],
        ['other-john.pdf', 'completed', true],
      ],
    );
    assert.equal(selectCounts(state).needsReview, 2);
    assert.deepEqual(
      selectAttention(state).needsReview.map((f: SessionFile) => f.name),
      ['john.pdf', 'other-john.pdf'],
    );
    assert.equal(selectAttention(state).total, 2);
    assert.equal(selectOutcome(state), 'partial');
    assert.equal(selectSummary(state), '3 succeeded, 0 failed, 2 to review');
    assert.equal(state.files[1]!.review?.reason.code, 'PATIENT_MISMATCH');
    session.dispose();
  });

  it('confirms one and rejects the other, with file-reviewed events; the other decision is refused', async () => {
    const session = await finishedSession();
    const reviewed: string[] = [];
    session.on('file-reviewed', ({ file, decision }) => reviewed.push(`${file.name}:${decision}`));
    const [, john, other] = session.getState().files;
    await Promise.all([session.reviewFile(john!.id, 'confirm'), session.reviewFile(john!.id, 'confirm')]);
    await session.reviewFile(other!.id, 'reject');
    assert.deepEqual(reviewed, ['john.pdf:confirmed', 'other-john.pdf:rejected'], 'a second click joins the first');
    const state = session.getState();
    assert.equal(selectCounts(state).needsReview, 0);
    assert.equal(selectCounts(state).rejectedAtReview, 1, 'the rejected one is counted apart');
    assert.equal(selectAttention(state).total, 0);
    // Not filed to this patient: someone still has to file it elsewhere.
    assert.equal(selectOutcome(state), 'partial');
    assert.equal(selectSummary(state), '3 succeeded, 0 failed, 1 rejected at review');
    assert.deepEqual(
      state.files.map((f) => f.review?.decision ?? null),
      [null, 'confirmed', 'rejected'],
    );
    await assert.rejects(session.reviewFile(john!.id, 'reject'), (error: unknown) => error instanceof ApiError && error.code === 'ALREADY_REVIEWED');
    await assert.rejects(session.reviewFile(state.files[0]!.id, 'confirm'), { code: 'NOTHING_TO_REVIEW' });
    session.dispose();
  });
});
