import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { ApiError } from './api-error.js';

/** `application/json` or a JSON-based type such as `application/vnd.api+json`. */
function isJsonType(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type);
}

/** Whether the request carries a body (an empty one does not count). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Parses a route's JSON body (at most `limitBytes`). A body sent with another type
 * (`text/plain`, a form, none) is refused with 400, rather than read as no fields: a
 * batch created without the patient ID its caller sent would go unchecked by the
 * patient guard. No body at all is no fields. A body over the limit answers 400 naming
 * the limit (see `toApiError`).
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const refuseOtherTypes: RequestHandler = (req, _res, next) => {
    if (hasBody(req) && !isJsonType(req)) {
      next(new ApiError('BAD_REQUEST', { message: 'Send the body as JSON, with the header Content-Type: application/json.' }));
      return;
    }
    next();
  };
  return [refuseOtherTypes, express.json({ limit: limitBytes, type: isJsonType })];
}
