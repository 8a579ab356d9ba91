import type { RequestHandler } from 'express';
import type { DemoConfig } from './config.js';

/**
 * The Content-Security-Policy of everything the demo server answers: scripts, styles,
 * images, fonts and connections from this origin only (no inline script or style, no
 * eval), no plugins, no `<base>`, forms post here only, and framing as
 * `FRAME_ANCESTORS` allows.
 */
export function contentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/**
 * Security headers on every answer: the CSP above, `nosniff`, no referrer (URLs hold
 * batch ids), and `X-Frame-Options` for browsers older than `frame-ancestors` when the
 * policy is one they can say (`'self'`, `'none'`); newer browsers follow the CSP.
 */
export function securityHeaders(config: Pick<DemoConfig, 'frameAncestors'>): RequestHandler {
  const frameOptions = config.frameAncestors === "'self'" ? 'SAMEORIGIN' : config.frameAncestors === "'none'" ? 'DENY' : null;
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(config.frameAncestors),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...(frameOptions ? { 'X-Frame-Options': frameOptions } : {}),
  };
  return (_req, res, next) => {
    res.set(headers);
    next();
  };
}
