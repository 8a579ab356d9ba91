import { CheckFailure, type Check, type CheckContext } from '../check.js';
import type { Answer } from '../contract/contract.js';
import { codeOf, expectStatus } from './support.js';

const PATH = '/batch/{batch_id}/files/{file_id}/review';
/** A well-formed file id no batch has. */
const UNKNOWN_FILE_ID = '00000000-0000-4000-8000-00000000f11e';

/** POSTs a review decision (`body` as JSON text); a backend without review is reported as not supporting it. */
async function review(context: CheckContext, batchId: string, fileId: string, body: string): Promise<Answer> {
  const res = await context.api.request('POST', `/batch/${batchId}/files/${fileId}/review`, { body, headers: { 'content-type': 'application/json' } });
  return context.contract.answer('POST', PATH, res, { optional: true });
}

/**
 * Refusals of the review endpoint, on the run's own finished batch (none of its files is
 * held for review: the kit names no patient): an unknown file, a body that is no decision,
 * and a file that waits for none. Staff's decision on a document naming another patient
 * must never be taken from a malformed request, nor crash the server.
 */
const reviewRefusals: Check = {
  id: 'review.refusals',
  title: `POST ${PATH} refuses an unknown file (404 FILE_NOT_FOUND), a body that is no decision (400 with the error envelope) and a file not held (409 NOTHING_TO_REVIEW)`,
  required: false,
  needs: ['status.final'],
  async run(context) {
    const main = context.state.mainFinal;
    const file = main?.files.find((f) => f.status === 'completed' && f.needs_review !== true);
    if (!main || !file) throw new CheckFailure('the main batch has no completed file to ask about');
    const decision = JSON.stringify({ decision: 'confirm' });
    expectStatus(await review(context, main.id, UNKNOWN_FILE_ID, decision), `POST ${PATH} of an unknown file`, 404, 'FILE_NOT_FOUND');
    const codes: string[] = [];
    for (const [what, body] of [
      ['a decision that is neither confirm nor reject', JSON.stringify({ decision: 'maybe' })],
      ['no decision', JSON.stringify({})],
      ['a body that is not an object', JSON.stringify(['confirm'])],
    ] as const) {
      const answer = await review(context, main.id, file.file_id, body);
      expectStatus(answer, `POST ${PATH} with ${what}`, 400);
      const code = codeOf(answer);
      if (!code) throw new CheckFailure(`POST ${PATH} with ${what} answered 400 without the error envelope`);
      codes.push(code);
    }
    expectStatus(await review(context, main.id, file.file_id, decision), `POST ${PATH} of a file not held for review`, 409, 'NOTHING_TO_REVIEW');
    return `404 FILE_NOT_FOUND; 400 ${[...new Set(codes)].join(', ')} for bad bodies; 409 NOTHING_TO_REVIEW`;
  },
};

/** The review endpoint of the wrong-patient guard. */
export const reviewChecks: readonly Check[] = [reviewRefusals];
