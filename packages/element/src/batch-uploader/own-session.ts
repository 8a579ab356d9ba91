import { BatchSession, type AuthToken, type BatchClient } from '@batch-uploader/sdk';
import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import { acceptedTypes } from '../format.js';

/** The element's settings its own session is made from. */
export interface OwnSessionSettings {
  client: BatchClient | null;
  endpoint: string;
  credentials: string;
  id: string;
  headers: Record<string, string>;
  getAuthToken: (() => AuthToken | Promise<AuthToken>) | null;
  pollInterval: number | null;
  maxFiles: number | null;
  maxFileSize: number | null;
  accept: string;
}

/**
 * The element's own session: its client settings and limits, and the running batch's id
 * kept across reloads (the SDK's `resume`), per endpoint and element id.
 */
export function createOwnSession(el: OwnSessionSettings): BatchSession {
  const limits = attributeLimits(el);
  return new BatchSession({
    client: el.client ?? {
      endpoint: el.endpoint || '/api/gp',
      headers: el.headers,
      getAuthToken: () => el.getAuthToken?.(),
      // An attribute may hold anything: a value the SDK does not know keeps its default.
      ...(CREDENTIALS.includes(el.credentials) ? { credentials: el.credentials as RequestCredentials } : {}),
      ...(positive(el.pollInterval) ? { pollIntervalMs: el.pollInterval! } : {}),
    },
    ...(limits ? { limits } : {}),
    resume: { key: `batch-uploader:${el.endpoint}${el.id ? `#${el.id}` : ''}` },
  });
}

const CREDENTIALS: readonly string[] = ['omit', 'same-origin', 'include'];

/** The limits set by attributes (defaults for the rest); null leaves them to the server. */
export function attributeLimits({ maxFiles, maxFileSize, accept }: Pick<OwnSessionSettings, 'maxFiles' | 'maxFileSize' | 'accept'>): Limits | null {
  const files = positive(maxFiles) ? Math.floor(maxFiles!) : null;
  const size = positive(maxFileSize) ? maxFileSize : null;
  if (files === null && size === null && !accept) return null;
  return {
    max_files: files ?? DEFAULT_LIMITS.max_files,
    max_file_size: size ?? DEFAULT_LIMITS.max_file_size,
    accepted_types: accept ? acceptedTypes(accept) : DEFAULT_LIMITS.accepted_types,
  };
}

function positive(value: number | null): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
