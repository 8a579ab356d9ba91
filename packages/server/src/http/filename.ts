/** Longest stored filename, in characters. */
export const MAX_FILENAME_LENGTH = 255;

// C0/C1 controls, and bidirectional overrides that can disguise an extension.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes a client's filename safe to keep and show: no folders, no control or
 * direction characters, trimmed, at most 255 characters with the extension kept.
 * The result is data only; stored files get generated names.
 */
export function sanitizeFilename(raw: string | undefined): string {
  const base = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = base.replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
  if (/^\.+$/.test(name)) name = '';
  if (name.length > MAX_FILENAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, MAX_FILENAME_LENGTH - ext.length) + ext;
  }
  return name || 'unnamed';
}
