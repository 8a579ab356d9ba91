import type { BatchHistoryResponse, BatchSummary } from '@batch-uploader/protocol';
import { CheckFailure, CheckSkipped, type Check, type CheckContext } from '../check.js';
import { expectStatus } from './support.js';

const PATH = '/batch-history';
/** Pages walked at most while looking for the run's batches. */
const MAX_PAGES = 50;

async function page(context: CheckContext, query: string): Promise<BatchHistoryResponse> {
  const answer = await context.contract.answer('GET', PATH, await context.api.request('GET', `${PATH}${query}`));
  expectStatus(answer, `GET ${PATH}${query.replace(/cursor=[^&]*/, 'cursor=…')}`, 200);
  return answer.body as BatchHistoryResponse;
}

/** Fails unless the batches are newest first, and the run's own in the reverse of their upload order. */
function expectNewestFirst(batches: readonly BatchSummary[], created: readonly string[]): void {
  for (let i = 1; i < batches.length; i++) {
    const newer = batches[i - 1]!;
    const older = batches[i]!;
    if (Date.parse(newer.created_at) < Date.parse(older.created_at)) {
      throw new CheckFailure(`a batch created at ${newer.created_at} is listed before one created at ${older.created_at}: not newest first`);
    }
    const a = created.indexOf(newer.id);
    const b = created.indexOf(older.id);
    if (a !== -1 && b !== -1 && a < b && newer.created_at !== older.created_at) {
      throw new CheckFailure('a batch the kit uploaded earlier is listed before one it uploaded later: not newest first');
    }
  }
}

function expectCounts(summary: BatchSummary): void {
  const { pending, processing, completed, failed, cancelled } = summary.progress;
  if (pending + processing + completed + failed + cancelled !== summary.total_files) {
    throw new CheckFailure(
      `a history entry's progress counts add up to ${pending + processing + completed + failed + cancelled}, its total_files is ${summary.total_files}`,
    );
  }
}

const history: Check = {
  id: 'history',
  title: "GET /batch-history lists the workspace's batches newest first, the latest upload on the first page, each with counts that add up",
  required: true,
  needs: ['upload'],
  async run(context) {
    const { batches } = await page(context, '');
    const { created, mainFinal } = context.state;
    const latest = created.at(-1)!;
    if (!batches.some((b) => b.id === latest)) throw new CheckFailure('the batch uploaded last is not on the first page');
    expectNewestFirst(batches, created);
    batches.forEach(expectCounts);
    const main = batches.find((b) => b.id === mainFinal?.id);
    if (main && mainFinal && (main.status !== mainFinal.status || main.progress.completed !== mainFinal.progress.completed)) {
      throw new CheckFailure(
        `history shows the first batch as ${main.status} with ${main.progress.completed} completed; its status says ${mainFinal.status} with ${mainFinal.progress.completed}`,
      );
    }
    return `${batches.length} batches on the first page, newest first, the latest upload among them`;
  },
};

const paging: Check = {
  id: 'history.paging',
  title: 'History pages of limit=2 follow next_cursor to older batches without repeats, and reach every batch of the run',
  required: true,
  needs: ['history'],
  async run(context) {
    const { created } = context.state;
    if (created.length < 3) throw new CheckSkipped(`the run created ${created.length} batches; paging needs 3`);
    const seen: BatchSummary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let complete = false;
    while (!complete && pages < MAX_PAGES) {
      const found: BatchHistoryResponse = await page(context, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages++;
      if (found.batches.length > 2) throw new CheckFailure(`a page asked with limit=2 holds ${found.batches.length} batches`);
      for (const batch of found.batches) {
        if (seen.some((b) => b.id === batch.id)) throw new CheckFailure(`page ${pages} repeats a batch of an earlier page`);
        seen.push(batch);
      }
      expectNewestFirst(seen, created);
      complete = created.every((id) => seen.some((b) => b.id === id));
      if (complete) break;
      cursor = found.next_cursor;
      if (cursor === null) {
        const missing = created.filter((id) => !seen.some((b) => b.id === id)).length;
        throw new CheckFailure(`next_cursor was null after ${pages} pages, with ${missing} of the run's ${created.length} batches not listed`);
      }
      if (found.batches.length === 0) throw new CheckFailure('an empty page came with a next_cursor');
    }
    if (!complete) throw new CheckFailure(`the run's batches were not all listed within ${MAX_PAGES} pages`);
    return `${pages} pages by next_cursor reached the run's ${created.length} batches, newest first, no repeats`;
  },
};

/** The workspace's history. */
export const historyChecks: readonly Check[] = [history, paging];
