import type { RequestHandler } from 'express';
import type { LimitsResponse } from '@batch-uploader/protocol';
import type { ResolvedRouterOptions } from '../router-options.js';

/** `GET /limits`: what this server accepts, so clients can check files before sending them. */
export function limitsHandler({ limits }: ResolvedRouterOptions): RequestHandler {
  const body: LimitsResponse = {
    status: 'success',
    limits: { max_files: limits.max_files, max_file_size: limits.max_file_size, accepted_types: [...limits.accepted_types] },
  };
  return (_req, res) => {
    res.json(body);
  };
}
