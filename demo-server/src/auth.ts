import { createHash, timingSafeEqual } from 'node:crypto';
import type { Authenticate } from '@batch-uploader/server';

/** The workspace anonymous callers share in dev mode. */
export const DEV_WORKSPACE = 'dev';

/**
 * Bearer tokens from configuration → workspaces. With no tokens configured, every
 * caller is let in to one shared workspace (the explicit dev mode).
 */
export function tokenAuth(tokens: Map<string, string> | null): Authenticate {
  if (tokens === null) return () => ({ workspace_id: DEV_WORKSPACE });
  // Compared by digest in constant time, so response timing tells nothing of a token.
  const known = [...tokens].map(([token, workspace]) => ({ digest: digest(token), workspace }));
  return ({ req }) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match) return null;
    const given = digest(match[1]!);
    let found: string | null = null;
    for (const entry of known) if (timingSafeEqual(entry.digest, given)) found = entry.workspace;
    return found === null ? null : { workspace_id: found };
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
