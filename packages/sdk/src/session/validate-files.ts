import { ERRORS, FILE_ERRORS, formatMessage, type Limits } from '@batch-uploader/protocol';
import type { RejectedFile, RejectionCode, SessionFile } from './session-state.js';
import { sniffType } from './sniff-type.js';

/** A file offered to the session, with its first bytes when they could be read. */
export interface Candidate {
  id: string;
  file: Blob & { name?: string; lastModified?: number };
  head: Uint8Array | null;
}

/** What {@link validateFiles} decided. */
export interface Validation {
  accepted: SessionFile[];
  rejected: RejectedFile[];
}

/** The messages of the refusal codes that the protocol's tables do not cover. */
export const REJECTION_MESSAGES: Readonly<Record<Extract<RejectionCode, 'DUPLICATE_FILE' | 'EMPTY_FILE'>, string>> = Object.freeze({
  DUPLICATE_FILE: 'This file is already in the batch.',
  EMPTY_FILE: 'This file is empty.',
});

// Fallback when the first bytes cannot be read: the extension is a weak hint, so the
// server still decides from content.
const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  webp: 'image/webp',
};

/** The key two copies of one file share: name, size and modification time. */
export function duplicateKey(file: { name: string; size: number; lastModified: number }): string {
  return `${file.name}\u0000${file.size}\u0000${file.lastModified}`;
}

/**
 * Checks files against the server's limits before any byte is sent: empty, too large,
 * not an accepted type (by content where the first bytes were read, else by the declared
 * type: see {@link checkContent} for the check that follows), a duplicate of a
 * file already present (same name, size and modification time; or, given `hashOf`, the
 * same content hash), or one more than a batch holds. Pure: no I/O, no state.
 */
export function validateFiles(
  candidates: readonly Candidate[],
  existing: readonly SessionFile[],
  limits: Limits,
  hashOf: (file: Blob) => string | null | undefined = () => null,
): Validation {
  const accepted: SessionFile[] = [];
  const rejected: RejectedFile[] = [];
  const seen = new Set(existing.map(duplicateKey));
  const seenHashes = new Set(existing.map((f) => (f.file ? hashOf(f.file) : null)).filter((h): h is string => !!h));
  const maxSizeMb = Math.round((limits.max_file_size / 1_048_576) * 100) / 100;

  for (const { id, file, head } of candidates) {
    // Each property read once: a browser File's getters cross into the engine, and
    // thousands of files are validated before the list can show them.
    const { size, name: given, lastModified: modified } = file;
    const hash = hashOf(file);
    const name = typeof given === 'string' && given !== '' ? given : 'blob';
    const lastModified = typeof modified === 'number' ? modified : 0;
    const reject = (code: RejectionCode, message: string) => rejected.push({ id, name, size, code, message });
    const type = (head ? sniffType(head) : null) ?? (head ? null : declaredType(file, name));
    const key = duplicateKey({ name, size, lastModified });

    if (size === 0) reject('EMPTY_FILE', REJECTION_MESSAGES.EMPTY_FILE);
    else if (size > limits.max_file_size) reject('FILE_TOO_LARGE', formatMessage(ERRORS.FILE_TOO_LARGE.message, { max_file_size_mb: maxSizeMb }));
    else if (type === null || !limits.accepted_types.includes(type)) reject('UNSUPPORTED_TYPE', FILE_ERRORS.UNSUPPORTED_TYPE);
    else if (seen.has(key) || (hash && seenHashes.has(hash))) {
      reject('DUPLICATE_FILE', REJECTION_MESSAGES.DUPLICATE_FILE);
    } else if (existing.length + accepted.length >= limits.max_files) {
      reject('TOO_MANY_FILES', formatMessage(ERRORS.TOO_MANY_FILES.message, { max_files: limits.max_files }));
    } else {
      seen.add(key);
      if (hash) seenHashes.add(hash);
      accepted.push({
        id,
        name,
        size,
        type,
        lastModified,
        file,
        status: 'queued',
        bytesSent: 0,
        fileId: null,
        error: null,
        result: undefined,
      });
    }
  }
  return { accepted, rejected };
}

/**
 * Whether a file declares a type the limits accept (its MIME type, else its extension):
 * such a file may be queued at once and its content checked afterwards
 * ({@link checkContent}). Any other file is read before it is decided.
 */
export function declaresAcceptedType(file: Blob & { name?: string }, limits: Limits): boolean {
  const type = declaredType(file);
  return type !== null && limits.accepted_types.includes(type);
}

/**
 * The verdict on a file queued by its declared type, once its first bytes were read:
 * its type by content when that is an accepted one, else its refusal — the same check,
 * and the same reason, as a file read before it is queued. Bytes that could not be read
 * leave the declared type standing (the server decides from content anyway).
 */
export function checkContent(file: SessionFile, head: Uint8Array | null, limits: Limits): { type: string } | RejectedFile {
  if (!head) return { type: file.type };
  const type = sniffType(head);
  if (type !== null && limits.accepted_types.includes(type)) return { type };
  return { id: file.id, name: file.name, size: file.size, code: 'UNSUPPORTED_TYPE', message: FILE_ERRORS.UNSUPPORTED_TYPE };
}

/** The MIME type the platform gave, else the one of the extension; the name is read only when needed (`name` when known). */
function declaredType(file: Blob & { name?: string }, name: string | undefined = undefined): string | null {
  const { type } = file;
  if (type) return type;
  const given = name ?? file.name;
  const extension = typeof given === 'string' ? /\.([A-Za-z0-9]+)$/.exec(given)?.[1]?.toLowerCase() : undefined;
  return extension ? (EXTENSION_TYPES[extension] ?? null) : null;
}
