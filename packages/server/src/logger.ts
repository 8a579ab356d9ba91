/**
 * The logging the server needs, compatible with pino. Log fields are ids and counts
 * only: never patient ids, filenames or document content.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Log fields for an error: its class and code, never its message (it may quote a document). */
export function errorFields(error: unknown): { err_name: string; err_code?: string } {
  if (!(error instanceof Error)) return { err_name: typeof error };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { err_name: error.name, err_code: code } : { err_name: error.name };
}
