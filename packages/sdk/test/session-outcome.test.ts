/**
 * How a batch went, as the session derives it: the outcome at a glance, the files that
 * need someone to act (failed, and refused before sending) and which of them a retry may
 * fix, the two phases of progress (bytes sent, then files finished) for one display,
 * and the files removed before the upload. Against the real demo server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '@batch-uploader/protocol';
import {
  BatchSession,
  outcomeOf,
  selectAttention,
  selectCounts,
  selectOutcome,
  selectProgress,
  type BatchSessionEventMap,
  type SessionFile,
  type SessionState,
} from '../src/index.js';
import { makePdf, makePng, truncatedPdf } from '@batch-uploader/test-support/small-documents';
import { demoSkip as skip, startDemo, type RunningDemo } from './demo.js';

const png = (name: string, lastModified = 1) => new File([makePng()], name, { type: 'image/png', lastModified });

describe('outcomeOf', () => {
  it('tells all succeeded, some failed or not sent, none succeeded, and cancelled apart', () => {
    assert.equal(outcomeOf('completed', { completed: 9, failed: 0 }), 'succeeded');
    assert.equal(outcomeOf('completed', { completed: 7, failed: 2 }), 'partial');
    assert.equal(outcomeOf('completed', { completed: 9, failed: 0 }, 3), 'partial', 'files refused before sending need attention too');
    assert.equal(outcomeOf('failed', { completed: 0, failed: 3 }), 'failed');
    assert.equal(outcomeOf('cancelled', { completed: 4, failed: 0 }), 'cancelled');
    assert.equal(outcomeOf('cancelled', { completed: 0, failed: 2 }), 'cancelled');
  });
});

describe('the outcome of a batch against the demo server', { skip }, () => {
  let demo: RunningDemo & { api: string };
  before(async () => {
    demo = await startDemo({ processingDelayMs: 20, concurrency: 2 });
  });
  after(async () => {
    await demo?.close();
  });

  it('names the failed files and those not sent, says which a retry may fix, and counts them in batch-finished', async () => {
    // The session checks against 3 files of at most 100 KB; the server takes more.
    const session = new BatchSession({ client: { endpoint: demo.api }, limits: { ...DEFAULT_LIMITS, max_files: 3, max_file_size: 100_000 } });
    const big = new File([await makePdf('big', 200_000)], 'big.pdf', { type: 'application/pdf' });
    await session.addFiles([
      png('a.png'),
      new File([await truncatedPdf()], 'damaged.pdf', { type: 'application/pdf' }),
      big,
      png('a.png'),
      png('b.png', 2),
      png('c.png', 3),
    ]);
    const attention = selectAttention(session.getState());
    assert.deepEqual(
      attention.notSent.map((r) => [r.name, r.code]),
      [
        ['big.pdf', 'FILE_TOO_LARGE'],
        ['a.png', 'DUPLICATE_FILE'],
        ['c.png', 'TOO_MANY_FILES'],
      ],
    );
    assert.equal(selectOutcome(session.getState()), null, 'no outcome before the end');

    const finished: Array<BatchSessionEventMap['batch-finished']> = [];
    session.on('batch-finished', (detail) => finished.push(detail));
    await session.start();
    const state = await session.whenFinished();
    assert.equal(finished.length, 1);
    assert.deepEqual(
      { ...finished[0]!, counts: undefined, batchId: undefined },
      { batchId: undefined, status: 'completed', outcome: 'partial', counts: undefined, notSent: 3, summary: '2 succeeded, 1 failed' },
    );
    assert.equal(selectOutcome(state), 'partial');
    const end = selectAttention(state);
    assert.deepEqual(
      end.failed.map((f) => [f.name, f.error?.code]),
      [['damaged.pdf', 'CORRUPT_FILE']],
    );
    assert.equal(end.retryable, 0, 'a damaged file fails the same way every time');
    assert.equal(end.notSent.length, 3, 'the refused files stay known to the end');
    assert.equal(end.total, 4);
    session.dispose();
  });

  it('a batch where every file succeeded, and one where none did', async () => {
    const good = new BatchSession({ client: { endpoint: demo.api } });
    await good.addFiles([png('one.png'), png('two.png', 2)]);
    await good.start();
    assert.equal(selectOutcome(await good.whenFinished()), 'succeeded');
    good.dispose();

    const bad = new BatchSession({ client: { endpoint: demo.api } });
    await bad.addFiles([new File([await truncatedPdf()], 'cut.pdf', { type: 'application/pdf' })]);
    await bad.start();
    const state = await bad.whenFinished();
    assert.equal(state.batchStatus, 'failed');
    assert.equal(selectOutcome(state), 'failed');
    bad.dispose();
  });

  it('progress in two phases: files and bytes sent while uploading, then shares of completed and failed files that add up', async () => {
    const session = new BatchSession({ client: { endpoint: demo.api }, progressIntervalMs: 0 });
    const docs = [
      new File([await makePdf('a', 300_000)], 'a.pdf', { type: 'application/pdf' }),
      png('b.png'),
      new File([await truncatedPdf()], 'c.pdf', { type: 'application/pdf' }),
    ];
    await session.addFiles(docs);
    const seen: SessionState[] = [];
    session.subscribe((state) => seen.push(state));
    await session.start();
    const end = await session.whenFinished();

    const uploading = seen.filter((s) => s.phase === 'uploading');
    assert.ok(uploading.length > 0);
    let lastSent = -1;
    for (const state of uploading) {
      const { filesSent, shares, uploadPercent, percent } = selectProgress(state);
      assert.ok(filesSent >= 0 && filesSent <= 3);
      assert.equal(percent, uploadPercent, 'the bar shows bytes while uploading');
      assert.ok(shares.sent >= lastSent, 'the sent share never goes back');
      lastSent = shares.sent;
      // Rows and cards agree: while uploading no file is counted as pending unless its request was accepted.
      assert.equal(selectCounts(state).uploading + selectCounts(state).pending + selectCounts(state).failed, 3);
    }
    for (const state of seen.filter((s) => s.phase !== 'uploading' && s.phase !== 'idle')) {
      const { shares, filesSent } = selectProgress(state);
      assert.equal(shares.sent, 100, 'once sent, the upload share stays full');
      assert.equal(filesSent, 3);
    }
    const { shares, processingPercent } = selectProgress(end);
    assert.equal(Math.round(shares.completed * 3), 200);
    assert.equal(Math.round(shares.failed * 3), 100);
    assert.equal(shares.cancelled, 0);
    assert.equal(processingPercent, 100);
    session.dispose();
  });
});

describe('files-removed', () => {
  it('tells which files left the session by removeFile and clear, refused ones included', async () => {
    const session = new BatchSession({ client: { endpoint: 'http://127.0.0.1:9/api' }, limits: { ...DEFAULT_LIMITS, max_file_size: 1_000 } });
    const removed: Array<BatchSessionEventMap['files-removed']> = [];
    session.on('files-removed', (detail) => removed.push(detail));
    await session.addFiles([png('discharge.png'), png('referral.png', 2), new File([new Uint8Array(5_000)], 'huge.pdf', { type: 'application/pdf' })]);
    const [discharge] = session.getState().files as SessionFile[];
    session.removeFile(discharge!.id);
    session.removeFile('no-such-id');
    session.clear();
    assert.deepEqual(
      removed.map((r) => [r.files.map((f) => f.name), r.rejected.map((f) => f.name)]),
      [
        [['discharge.png'], []],
        [['referral.png'], ['huge.pdf']],
      ],
    );
    session.dispose();
  });
});
