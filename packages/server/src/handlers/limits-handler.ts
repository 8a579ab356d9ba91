import type { RequestHandler } from 'express';
import type { LimitsResponse } from '@batch-uploader/protocol';
import { TUS_VERSION } from '../http/resumable-options.js';
import type { ResolvedRouterOptions } from '../router-options.js';

/** `GET /limits`: what this server accepts, so clients can check files before sending them, and whether it takes resumable uploads. */
export function limitsHandler({ limits, resumable }: ResolvedRouterOptions): RequestHandler {
  const body: LimitsResponse = {
    status: 'success',
    limits: {
      max_files: limits.max_files,
      max_file_size: limits.max_file_size,
      accepted_types: [...limits.accepted_types],
      ...(resumable && {
        resumable: {
          protocol: 'tus',
          version: TUS_VERSION,
          path: '/uploads',
          max_size: limits.max_file_size,
          chunk_size: resumable.chunkSize,
          expires_after_seconds: Math.floor(resumable.expireAfterMs / 1000),
        },
      }),
    },
  };
  return (_req, res) => {
    res.json(body);
  };
}
