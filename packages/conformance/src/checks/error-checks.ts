import type { Batch } from '@batch-uploader/protocol';
import { CheckFailure, CheckSkipped, type Check, type CheckContext } from '../check.js';
import type { Answer } from '../contract/contract.js';
import { oversizeFile } from '../documents.js';
import { acceptedUpload, codeOf, expectStatus, limitsOf, postUpload, UNKNOWN_BATCH_ID, validFiles, waitForFinal } from './support.js';

/** Largest file the kit sends to go over `max_file_size`. */
const MAX_OVERSIZE_BYTES = 64 * 1024 * 1024;
/** Most files the kit sends to go over `max_files`. */
const MAX_OVERFULL_FILES = 1_000;

/** The three batch routes every backend has, for a given id. */
function batchRoutes(id: string) {
  return [
    { method: 'GET', path: '/batch-status/{batch_id}', url: `/batch-status/${id}` },
    { method: 'GET', path: '/batch-events/{batch_id}', url: `/batch-events/${id}` },
    { method: 'POST', path: '/batch/{batch_id}/cancel', url: `/batch/${id}/cancel` },
  ];
}

async function call(context: CheckContext, method: string, path: string, url: string): Promise<Answer> {
  return context.contract.answer(method, path, await context.api.request(method, url));
}

const unknownBatch: Check = {
  id: 'errors.unknown-batch',
  title: 'An unknown batch id answers 404 BATCH_NOT_FOUND with the error envelope on status, events and cancel',
  required: true,
  async run(context) {
    for (const { method, path, url } of batchRoutes(UNKNOWN_BATCH_ID)) {
      expectStatus(await call(context, method, path, url), `${method} ${path} of an unknown id`, 404, 'BATCH_NOT_FOUND');
    }
    return '404 BATCH_NOT_FOUND on all three';
  },
};

const malformedId: Check = {
  id: 'errors.malformed-id',
  title: 'A batch id that is not a UUID answers 400 with the error envelope on status, events and cancel',
  required: true,
  async run(context) {
    const codes = new Set<string>();
    for (const { method, path, url } of batchRoutes('not-a-batch-id')) {
      const answer = await call(context, method, path, url);
      expectStatus(answer, `${method} ${path} of a malformed id`, 400);
      codes.add(codeOf(answer) ?? '');
    }
    return `400 ${[...codes].join(', ')} on all three`;
  },
};

const noFiles: Check = {
  id: 'errors.no-files',
  title: 'An upload with no file answers 400 NO_FILES with the error envelope',
  required: true,
  async run(context) {
    const answer = await postUpload(context, [], { template_id: 'conformance' });
    expectStatus(answer, 'POST /batch-upload without files', 400, 'NO_FILES');
    return '400 NO_FILES';
  },
};

/** The answer to an upload holding a file that is not an accepted type: 415, or 202 and that file failed UNSUPPORTED_TYPE. */
async function refusedOrFailed(context: CheckContext, answer: Answer, files: number, label: string): Promise<{ refused: boolean; batch: Batch | null }> {
  if (answer.status === 415) {
    expectStatus(answer, label, 415, 'UNSUPPORTED_TYPE');
    return { refused: true, batch: null };
  }
  if (answer.status < 200 || answer.status > 202)
    throw new CheckFailure(`${label} answered ${answer.status}${codeOf(answer) ? ` ${codeOf(answer)}` : ''}, expected 415 UNSUPPORTED_TYPE or 202`);
  const { id } = acceptedUpload(context, answer, files);
  const batch = await waitForFinal(context, id);
  const text = batch.files.find((f) => f.filename.startsWith('conformance-not-a-document'));
  if (!text) throw new CheckFailure(`${label}: the text file is not in the batch`);
  if (text.status !== 'failed' || text.error?.code !== 'UNSUPPORTED_TYPE') {
    throw new CheckFailure(`${label}: the text file ended ${text.status}${text.error ? ` (${text.error.code})` : ''}, not failed with UNSUPPORTED_TYPE`);
  }
  return { refused: false, batch };
}

const unsupportedType: Check = {
  id: 'errors.unsupported-type',
  title:
    'A file that is not an accepted type (text named .pdf) is refused with 415 UNSUPPORTED_TYPE, or fails with UNSUPPORTED_TYPE while the rest of its batch goes on',
  required: true,
  needs: ['limits'],
  async run(context) {
    const text = { name: 'conformance-not-a-document.pdf', bytes: context.documents.text };
    const alone = await refusedOrFailed(context, await postUpload(context, [text]), 1, 'an upload of only a text file');
    const mixed = await refusedOrFailed(context, await postUpload(context, [text, ...validFiles(context, 1)]), 2, 'an upload of a text file and a document');
    if (mixed.batch) {
      const other = mixed.batch.files.find((f) => !f.filename.startsWith('conformance-not-a-document'));
      if (other?.error?.code === 'UNSUPPORTED_TYPE') throw new CheckFailure('the valid document sent with the text file failed with UNSUPPORTED_TYPE too');
    }
    const how = (r: { refused: boolean }) => (r.refused ? '415 UNSUPPORTED_TYPE' : '202, the file failed UNSUPPORTED_TYPE');
    return `alone: ${how(alone)}; beside a document: ${how(mixed)}${mixed.batch ? `, the document ${mixed.batch.files.find((f) => !f.filename.startsWith('conformance-not'))?.status}` : ''}`;
  },
};

const tooManyFiles: Check = {
  id: 'limits.max-files',
  title: 'An upload of max_files + 1 files answers 400 TOO_MANY_FILES',
  required: true,
  needs: ['limits'],
  async run(context) {
    const count = limitsOf(context).max_files + 1;
    if (count > MAX_OVERFULL_FILES) throw new CheckSkipped(`max_files is ${count - 1}: the kit sends at most ${MAX_OVERFULL_FILES} files`);
    const answer = await postUpload(context, validFiles(context, count));
    expectStatus(answer, `POST /batch-upload of ${count} files`, 400, 'TOO_MANY_FILES');
    return `${count} files: 400 TOO_MANY_FILES`;
  },
};

const tooLarge: Check = {
  id: 'limits.max-file-size',
  title: 'An upload of a file one byte over max_file_size answers 413 FILE_TOO_LARGE',
  required: true,
  needs: ['limits'],
  async run(context) {
    const size = limitsOf(context).max_file_size + 1;
    if (size > MAX_OVERSIZE_BYTES) throw new CheckSkipped(`max_file_size is ${size - 1} bytes: the kit sends at most ${MAX_OVERSIZE_BYTES} bytes`);
    const answer = await postUpload(context, [{ name: 'conformance-too-large.pdf', bytes: oversizeFile(size) }]);
    expectStatus(answer, `POST /batch-upload of ${size} bytes`, 413, 'FILE_TOO_LARGE');
    return `${size} bytes: 413 FILE_TOO_LARGE`;
  },
};

const unknownRoute: Check = {
  id: 'errors.unknown-route',
  title: 'A path the API does not have answers 404 NOT_FOUND with the error envelope',
  required: false,
  async run(context) {
    const res = await context.api.request('GET', '/conformance-no-such-route');
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CheckFailure(`GET /conformance-no-such-route answered ${res.status} without the error envelope`);
    }
    context.contract.schema('ErrorResponse', body, `GET /conformance-no-such-route ${res.status}`);
    expectStatus({ status: res.status, headers: res.headers, body }, 'GET /conformance-no-such-route', 404, 'NOT_FOUND');
    return '404 NOT_FOUND';
  },
};

/** Errors and limits every backend has. */
export const errorChecks: readonly Check[] = [unknownBatch, malformedId, noFiles, unsupportedType, tooManyFiles, tooLarge];

/** The error of a path the API does not have. */
export const unknownRouteCheck: Check = unknownRoute;
