import type { Request, Response } from 'express';

/** A JSON answer serialised once, with the ETag that names it, to be sent any number of times. */
export interface JsonAnswer {
  /** A weak ETag, e.g. `W/"…"`. */
  etag: string;
  /** The UTF-8 JSON text. */
  body: Buffer;
}

/**
 * Answers 304 (with the ETag, no body) when the request's If-None-Match names `etag` or
 * is `*`; true when it did. Done here rather than by Express's freshness check because
 * fetch() adds `Cache-Control: no-cache` to any request carrying If-None-Match, and that
 * check then never answers 304 — yet pollers are exactly the clients that send it.
 */
export function answeredNotModified(req: Request, res: Response, etag: string): boolean {
  const given = req.get('if-none-match');
  if (!given || !given.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) return false;
  res.set('ETag', etag);
  res.status(304).end();
  return true;
}

/** Sends a serialised JSON answer with its ETag. */
export function sendJsonAnswer(res: Response, answer: JsonAnswer): void {
  res.set({ ETag: answer.etag, 'Content-Type': 'application/json; charset=utf-8' });
  res.send(answer.body);
}
