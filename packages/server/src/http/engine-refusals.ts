import type { EngineError } from '../engine/engine-error.js';
import { ApiError } from './api-error.js';

/**
 * The API's answer to an operation the engine refused: the error of the same code, with
 * a message a clerk can act on and the facts as details.
 */
export function answerToRefusal({ refusal }: EngineError): ApiError {
  switch (refusal.code) {
    case 'BATCH_NOT_FOUND':
    case 'BATCH_NOT_OPEN':
    case 'BATCH_CANCELLED':
    case 'FILE_NOT_FOUND':
    case 'NOTHING_TO_REVIEW':
      return new ApiError(refusal.code);
    case 'ALREADY_REVIEWED':
      return new ApiError('ALREADY_REVIEWED', {
        message: `This file was already ${refusal.decision}; that decision stands.`,
        details: { decision: refusal.decision },
      });
    case 'NOTHING_TO_RETRY': {
      const { not_retryable } = refusal;
      return new ApiError('NOTHING_TO_RETRY', {
        ...(not_retryable > 0
          ? {
              message: `No failed file of this batch can be tried again: the ${not_retryable === 1 ? 'file that failed has' : `${not_retryable} files that failed have`} no stored copy (refused at upload, or removed after the retention period).`,
            }
          : {}),
        details: { not_retryable },
      });
    }
    case 'TOO_MANY_FILES': {
      const { total_files: total, max_files: max } = refusal;
      const room = Math.max(0, max - total);
      return new ApiError('TOO_MANY_FILES', {
        message: `Too many files: this batch holds ${total} of at most ${max} files, so ${room === 0 ? 'no more can be added' : `at most ${room} more can be added`}.`,
        details: { max_files: max, total_files: total },
      });
    }
    case 'NOT_SUPPORTED':
      return new ApiError('NOT_SUPPORTED', { message: 'This server does not keep analytics: its store has none.' });
  }
}
