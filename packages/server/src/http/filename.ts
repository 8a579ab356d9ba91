/** Longest stored filename, in UTF-8 bytes: what most file systems allow for one name. */
export const MAX_FILENAME_BYTES = 255;

/** Longest ending kept as the extension when a name is shortened (the dot included). */
const MAX_EXTENSION_LENGTH = 16;

// Controls (C0, C1), lone surrogates, and the invisible format characters (Cf): bidi
// marks, embeddings, overrides and isolates, which can make "invoice\u202Efdp.exe" read as
// "invoiceexe.pdf"; zero-width space, word joiner, byte-order mark and their kin, which
// make two names look identical. Two format characters are kept where they shape what is
// shown (below); every other one goes.
const INVISIBLE = /[\p{Cc}\p{Cs}\p{Cf}]/gu;

// What zero-width (non-)joiners may sit between: letters and marks (Persian, Indic
// scripts) and emoji (a ZWJ sequence such as a family is one picture).
const JOINABLE = /[\p{L}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}\u{FE0F}]/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();

/**
 * Makes a client's filename safe to keep and show: no folders, no control characters,
 * no bidi or zero-width characters that disguise what it says, trimmed, and at most
 * 255 UTF-8 bytes: a longer name is cut between user-perceived characters (graphemes),
 * never inside an emoji or an accented letter, keeping its extension. The result is
 * data only; stored files get generated names.
 */
export function sanitizeFilename(raw: string | undefined): string {
  const base = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = dropInvisible(base).replace(/\s+/g, ' ').trim();
  if (/^\.+$/.test(name)) name = '';
  return shorten(name) || 'unnamed';
}

function dropInvisible(text: string): string {
  const chars = [...text];
  return chars
    .filter((char, i) => {
      if (!char.match(INVISIBLE)) return true;
      if (char !== '\u200C' && char !== '\u200D') return keepsTag(chars, i);
      return JOINABLE.test(chars[i - 1] ?? '') && JOINABLE.test(chars[i + 1] ?? '');
    })
    .join('');
}

// Tag characters (U+E0020–U+E007F) spell the subdivision flags (🏴 + tags, e.g.
// Scotland); they are kept only right after the black flag or another tag.
function keepsTag(chars: string[], i: number): boolean {
  let j = i;
  while (j > 0 && isTag(chars[j]!)) j--;
  return isTag(chars[i]!) && j < i && chars[j] === '\u{1F3F4}';
}

function isTag(char: string): boolean {
  const code = char.codePointAt(0)!;
  return code >= 0xe0020 && code <= 0xe007f;
}

function bytes(text: string): number {
  return encoder.encode(text).length;
}

function shorten(name: string): string {
  if (bytes(name) <= MAX_FILENAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= MAX_EXTENSION_LENGTH ? name.slice(dot) : '';
  let room = MAX_FILENAME_BYTES - bytes(ext);
  let stem = '';
  for (const { segment } of graphemes.segment(ext ? name.slice(0, dot) : name)) {
    const size = bytes(segment);
    if (size > room) {
      // One absurd cluster (a letter under hundreds of marks): keep its start, still a letter with marks.
      if (stem === '')
        for (const char of segment) {
          if (bytes(char) > room) break;
          stem += char;
          room -= bytes(char);
        }
      break;
    }
    stem += segment;
    room -= size;
  }
  return stem.trimEnd() + ext;
}
