import type { Response } from 'express';
import type { Caller } from '../router-options.js';

/** The caller that the authentication step put on the response. */
export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}
