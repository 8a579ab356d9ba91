import { Router, type NextFunction } from 'express';

/** The registration methods whose functions are wrapped. */
const METHODS = ['use', 'all', 'get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

type Middleware = (...args: unknown[]) => unknown;

/**
 * An Express router on which every middleware and handler registered may be async, on
 * Express 4 as on Express 5: a returned promise that rejects goes to `next(error)`, so
 * the error middleware answers it. Express 5 does this by itself; Express 4 leaves the
 * rejection unhandled, and Node ends the whole host process on it. Wrapping at
 * registration keeps the handlers free of try/catch and of any Express version check.
 */
export function asyncSafeRouter(): Router {
  const router = Router();
  for (const method of METHODS) {
    const register = router[method] as (...args: unknown[]) => unknown;
    Object.defineProperty(router, method, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => register.apply(router, args.map(forwardingRejections)),
    });
  }
  return router;
}

/** A middleware (or a list of them) whose rejected promise reaches `next`; other arguments as they are. */
function forwardingRejections(arg: unknown): unknown {
  if (Array.isArray(arg)) return arg.map(forwardingRejections);
  if (typeof arg !== 'function') return arg;
  const fn = arg as Middleware;
  // Express tells error middleware by its four parameters: keep the count.
  if (fn.length === 4) {
    return function (this: unknown, error: unknown, req: unknown, res: unknown, next: NextFunction) {
      forward(fn.call(this, error, req, res, next), next);
    };
  }
  return function (this: unknown, req: unknown, res: unknown, next: NextFunction) {
    forward(fn.call(this, req, res, next), next);
  };
}

function forward(result: unknown, next: NextFunction): void {
  if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
    (result as Promise<unknown>).then(undefined, (error: unknown) => next(error ?? new Error('A handler rejected without a reason.')));
  }
}
