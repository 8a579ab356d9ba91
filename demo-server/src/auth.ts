import { createHash, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Authenticate } from '@batch-uploader/server';

/** The workspace anonymous callers share in dev mode. */
export const DEV_WORKSPACE = 'dev';

/**
 * Bearer tokens from configuration → workspaces. With no tokens configured, every
 * caller is let in to one shared workspace (the explicit dev mode). With `cookie`, a
 * request without an Authorization header may carry its token in that cookie instead
 * (`AUTH_COOKIE`), as a portal's session cookie would; a request that has the header
 * is judged by the header alone.
 */
export function tokenAuth(tokens: Map<string, string> | null, cookie: string | null = null): Authenticate {
  if (tokens === null) return () => ({ workspace_id: DEV_WORKSPACE });
  // Compared by digest in constant time, so response timing tells nothing of a token.
  const known = [...tokens].map(([token, workspace]) => ({ digest: digest(token), workspace }));
  return ({ req }) => {
    const header = req.get('authorization');
    const token = header === undefined ? fromCookie(req.get('cookie'), cookie) : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!token) return null;
    const given = digest(token);
    let found: string | null = null;
    for (const entry of known) if (timingSafeEqual(entry.digest, given)) found = entry.workspace;
    // Who acts, for review decisions: the token's digest prefix names it without revealing it.
    return found === null ? null : { workspace_id: found, user_id: `token:${given.toString('hex').slice(0, 12)}` };
  };
}

function fromCookie(header: string | undefined, name: string | null): string | undefined {
  if (name === null || header === undefined) return undefined;
  return parseCookies(header)[name];
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
