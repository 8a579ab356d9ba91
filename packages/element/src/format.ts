import { ACCEPTED_TYPES } from '@batch-uploader/protocol';

const MB = 1_048_576;
const UNITS: Record<string, number> = { b: 1, kb: 1_024, mb: MB, gb: 1_024 * MB };

/**
 * Number formats by locale and digits. Making one is far dearer than using it
 * (toLocaleString makes one per call), and a long list formats a size on every row.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();

/** A size for people: "820 KB", "12.4 MB". */
export function formatBytes(bytes: number, locale?: string): string {
  const [unit, size] = bytes >= MB ? ['MB', bytes / MB] : bytes >= 1_024 ? ['KB', bytes / 1_024] : ['B', bytes];
  const digits = size < 10 ? 1 : 0;
  const key = `${locale ?? ''}|${digits}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits })));
  return `${format.format(size)} ${unit}`;
}

/** Bytes as MB with at most two decimals, for limit messages ("larger than 50 MB"). */
export function toMb(bytes: number): number {
  return Math.round((bytes / MB) * 100) / 100;
}

/**
 * Reads a size attribute: bytes ("52428800") or a number with a unit ("50MB", "500 KB").
 * Null for anything else, so a typo falls back to the server's limit instead of 0.
 */
export function parseSize(text: string | null): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b)?\s*$/i.exec(text ?? '');
  if (!match) return null;
  const bytes = Math.round(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
  return bytes > 0 ? bytes : null;
}

const EXTENSIONS: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.webp': 'image/webp',
};

/**
 * The document types an `accept` attribute allows, in the `<input accept>` syntax
 * ("application/pdf, image/*, .png"), narrowed to the types the API takes.
 */
export function acceptedTypes(accept: string): string[] {
  const types = new Set<string>();
  for (const token of accept
    .toLowerCase()
    .split(',')
    .map((t) => t.trim())) {
    for (const type of ACCEPTED_TYPES) {
      if (token === type || EXTENSIONS[token] === type || (token.endsWith('/*') && type.startsWith(token.slice(0, -1)))) types.add(type);
    }
  }
  return [...types];
}

/** Characters of a name always shown at its end, the extension among them ("_v3_signed.pdf"). */
const NAME_TAIL = 14;

/**
 * A file name in two pieces for showing it shortened in the middle: the head may be cut
 * (with an ellipsis), the tail never is — a name's end is what tells
 * "…_v2.pdf" from "…_v3_signed.pdf". Splits between characters, never inside one.
 */
export function splitName(name: string): [string, string] {
  const chars = Array.from(name);
  const dot = name.lastIndexOf('.');
  // A long extension is kept whole up to 20 characters: the tail never wraps.
  const keep = Math.min(20, Math.max(NAME_TAIL, dot >= 0 ? Array.from(name.slice(dot)).length : 0));
  if (chars.length <= keep) return ['', name];
  return [chars.slice(0, -keep).join(''), chars.slice(-keep).join('')];
}
