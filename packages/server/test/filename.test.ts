import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeFilename } from '../src/index.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

void describe('sanitizeFilename', () => {
  void it('cuts 400 emoji to whole emoji within 255 UTF-8 bytes, keeping the extension', () => {
    const name = sanitizeFilename(`${'😀'.repeat(400)}.pdf`);
    assert.ok(bytes(name) <= 255, `${bytes(name)} bytes`);
    assert.ok(name.endsWith('.pdf'));
    assert.equal(name, `${'😀'.repeat(62)}.pdf`, '62 emoji of 4 bytes and ".pdf" fill 252 bytes; a 63rd would pass 255');
    assert.doesNotMatch(name, /\p{Cs}/u, 'no half of a surrogate pair is left');
  });

  void it('never splits a grapheme: emoji sequences, flags and accented letters stay whole', () => {
    const family = '👩\u200D👩\u200D👧\u200D👦'; // one picture, 25 bytes
    const scotland = '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'; // one flag, 28 bytes
    const accented = 'e\u0301\u0323'; // e with two combining marks, not composable into one code point
    for (const unit of [family, scotland, accented, '👍🏽']) {
      const name = sanitizeFilename(`${unit.repeat(300)}.jpeg`);
      assert.ok(bytes(name) <= 255);
      assert.ok(name.endsWith('.jpeg'));
      const stem = name.slice(0, -'.jpeg'.length);
      const normalized = unit.normalize('NFC');
      assert.ok(graphemes(stem).length > 0);
      for (const g of graphemes(stem)) assert.equal(g, normalized, `every grapheme is a whole ${JSON.stringify(unit)}`);
      assert.ok(bytes(stem) + bytes(normalized) + 5 > 255, 'as many as fit');
    }
  });

  void it('drops bidi controls that disguise an extension', () => {
    assert.equal(sanitizeFilename('invoice\u202Efdp.exe'), 'invoicefdp.exe');
    assert.equal(sanitizeFilename('\u2067scan\u2069\u200F.pdf\u200E'), 'scan.pdf');
    assert.equal(sanitizeFilename('a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2068g\u061C.pdf'), 'abcdefg.pdf');
  });

  void it('drops zero-width characters that make two names look alike', () => {
    for (const raw of ['report\u200B.pdf', '\uFEFFreport.pdf', 'rep\u2060ort.pdf', 'report\u200D.pdf', '\u200Creport.pdf', 'report.\u00ADpdf']) {
      assert.equal(sanitizeFilename(raw), 'report.pdf', JSON.stringify(raw));
    }
  });

  void it('keeps joiners where they shape the text: emoji sequences and Persian words', () => {
    assert.equal(sanitizeFilename('👩\u200D⚕️ notes.pdf'), '👩\u200D⚕️ notes.pdf');
    assert.equal(sanitizeFilename('نامه\u200Cها.pdf'), 'نامه\u200Cها.pdf');
  });

  void it('keeps folders, controls and empty names out', () => {
    assert.equal(sanitizeFilename('../../etc/passwd'), 'passwd');
    assert.equal(sanitizeFilename('C:\\fakepath\\scan.pdf'), 'scan.pdf');
    assert.equal(sanitizeFilename('new\nline\r\ttab.pdf'), 'newlinetab.pdf');
    assert.equal(sanitizeFilename('a\u0000b\u007f\u0085c.pdf'), 'abc.pdf');
    assert.equal(sanitizeFilename('lone\uD800surrogate.pdf'), 'lonesurrogate.pdf');
    assert.equal(sanitizeFilename('\u200B\u202E'), 'unnamed');
    assert.equal(sanitizeFilename('..'), 'unnamed');
    assert.equal(sanitizeFilename(undefined), 'unnamed');
  });

  void it('cuts a name without extension, and a single absurd grapheme, within 255 bytes', () => {
    assert.equal(sanitizeFilename('é'.repeat(300)), 'é'.repeat(127), 'two bytes each; the 128th would pass 255');
    const zalgo = sanitizeFilename(`a${'\u0301'.repeat(500)}.pdf`);
    assert.ok(bytes(zalgo) <= 255);
    assert.ok(zalgo.startsWith('\u00E1\u0301') && zalgo.endsWith('.pdf'));
    const short = `${'x'.repeat(200)}.${'y'.repeat(30)}`;
    assert.equal(sanitizeFilename(short), short, 'a name within the limit is untouched');
  });
});
