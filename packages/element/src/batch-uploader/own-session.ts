import { BatchSession, type AuthToken, type BatchClient } from '@batch-uploader/sdk';
import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import { acceptedTypes, parseSize } from '../format.js';

/** The element's settings its own session is made from. */
export interface OwnSessionSettings {
  client: BatchClient | null;
  endpoint: string;
  credentials: string;
  id: string;
  headers: Record<string, string>;
  getAuthToken: (() => AuthToken | Promise<AuthToken>) | null;
  pollInterval: number | string | null;
  maxFiles: number | string | null;
  maxFileSize: number | string | null;
  accept: string;
}

/**
 * The element's own session: its client settings and limits, and the running batch's id
 * kept across reloads (the SDK's `resume`), per endpoint and element id.
 */
export function createOwnSession(el: OwnSessionSettings): BatchSession {
  const limits = attributeLimits(el);
  const pollIntervalMs = positive(el.pollInterval);
  return new BatchSession({
    client: el.client ?? {
      endpoint: el.endpoint || '/api/gp',
      headers: el.headers,
      getAuthToken: () => el.getAuthToken?.(),
      // An attribute may hold anything: a value the SDK does not know keeps its default.
      ...(CREDENTIALS.includes(el.credentials) ? { credentials: el.credentials as RequestCredentials } : {}),
      ...(pollIntervalMs ? { pollIntervalMs } : {}),
    },
    ...(limits ? { limits } : {}),
    resume: { key: `batch-uploader:${el.endpoint}${el.id ? `#${el.id}` : ''}` },
  });
}

const CREDENTIALS: readonly string[] = ['omit', 'same-origin', 'include'];

/** The limits set by attributes (defaults for the rest); null leaves them to the server. */
export function attributeLimits({ maxFiles, maxFileSize, accept }: Pick<OwnSessionSettings, 'maxFiles' | 'maxFileSize' | 'accept'>): Limits | null {
  const count = positive(maxFiles);
  const files = count === null ? null : Math.floor(count);
  // A number of bytes, or text with a unit ("50MB") set as a property rather than an attribute.
  const size = positive(typeof maxFileSize === 'string' ? parseSize(maxFileSize) : maxFileSize);
  if (files === null && size === null && !accept) return null;
  return {
    max_files: files ?? DEFAULT_LIMITS.max_files,
    max_file_size: size ?? DEFAULT_LIMITS.max_file_size,
    accepted_types: accept ? acceptedTypes(accept) : DEFAULT_LIMITS.accepted_types,
  };
}

/**
 * A positive number, or null. Text is read as a number: a framework may hand a property
 * the text an attribute would have had (Vue's `:maxFiles="'10'"`).
 */
function positive(value: number | string | null): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : null;
}
