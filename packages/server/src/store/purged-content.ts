import { FILE_ERRORS, KEPT_RESULT_FIELDS, PURGED_FILENAME, type FileError } from '@batch-uploader/protocol';

/** The sentence an error keeps after retention when its code is not one of FILE_ERRORS. */
export const PURGED_ERROR_MESSAGE = 'The file could not be processed; the reason given was removed after the retention period.';

type KeptField = (typeof KEPT_RESULT_FIELDS)[number];

const COUNT = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;

/** What a value of each kept field must look like to be kept: a fact, never free text. */
const KEPT_VALUE: Readonly<Record<KeptField, (value: unknown) => boolean>> = Object.freeze({
  detected_type: (value) => typeof value === 'string' && /^[a-z]+\/[a-z0-9.+-]{1,100}$/i.test(value),
  bytes: COUNT,
  sha256: (value) => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value),
  pages: COUNT,
  width: COUNT,
  height: COUNT,
});

/**
 * What retention keeps of a processor's result: the fields of KEPT_RESULT_FIELDS whose
 * value is of their kind (a MIME type, a hex SHA-256, whole numbers); null for a result
 * that is not an object. The built-in inspector's text and PDF metadata go, and so does
 * everything a host's own processor returned beyond these facts.
 */
export function keptResult(result: unknown): Partial<Record<KeptField, string | number>> | null {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return null;
  const kept: Partial<Record<KeptField, string | number>> = {};
  for (const field of KEPT_RESULT_FIELDS) {
    const value = (result as Record<string, unknown>)[field];
    if (KEPT_VALUE[field](value)) kept[field] = value as string | number;
  }
  return kept;
}

/**
 * What retention keeps of a file's error: its code, with the standard sentence of that
 * code (a processor's own message could quote the document or name the patient).
 */
export function keptError(error: FileError | null): FileError | null {
  if (!error) return null;
  const code = String(error.code);
  const message = Object.hasOwn(FILE_ERRORS, code) ? FILE_ERRORS[code as keyof typeof FILE_ERRORS] : PURGED_ERROR_MESSAGE;
  return { code, message };
}

/**
 * A file record's content fields as retention leaves them: every store's
 * `Retention.purgeContent` writes these, so that stores purge alike.
 */
export function purgedFile(file: { result: unknown; error: FileError | null }): { filename: string; result: unknown; error: FileError | null } {
  return {
    filename: PURGED_FILENAME,
    result: file.result === null || file.result === undefined ? null : keptResult(file.result),
    error: keptError(file.error),
  };
}
