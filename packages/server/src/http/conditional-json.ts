import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * Sends `body` as JSON with a weak ETag, answering 304 when the client already has it.
 * Done here rather than by Express's freshness check because fetch() adds
 * `Cache-Control: no-cache` to any request carrying If-None-Match, and that check
 * then never answers 304 — yet pollers are exactly the clients that send it.
 */
export function sendConditionalJson(req: Request, res: Response, body: unknown): void {
  const json = JSON.stringify(body);
  const etag = `W/"${createHash('sha1').update(json).digest('base64url')}"`;
  res.set('ETag', etag);
  const given = req.get('if-none-match');
  if (given && given.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    res.status(304).end();
    return;
  }
  res.type('application/json').send(json);
}
