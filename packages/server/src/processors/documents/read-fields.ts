import { fixDigits, normaliseDate, normaliseMrn, normaliseName, normaliseNhsNumber } from './normalise.js';
import type { CompiledTemplate, FieldValidator } from './templates.js';

/** A template chosen for a text, with how sure the choice is (0-1). */
export interface Classification {
  template: CompiledTemplate | null;
  confidence: number;
}

// Names longer than this many words are a sentence, not a name.
const MAX_NAME_WORDS = 5;

/**
 * The template whose recognition patterns score highest on `text` (each pattern counts
 * once), if that reaches its `min_score`. Confidence is the winner's share of the two best
 * scores, times how far it clears its minimum (full at twice the minimum).
 */
export function classify(text: string, templates: readonly CompiledTemplate[]): Classification {
  const scored = templates.map((template) => ({ template, score: score(text, template) })).sort((a, b) => b.score - a.score);
  // The best of those that reach their own minimum: a higher score short of its template's minimum does not win.
  const best = scored.find((entry) => entry.score >= entry.template.recognise.min_score);
  if (!best) return { template: null, confidence: 0 };
  const second = Math.max(0, scored.find((entry) => entry.template.template.type !== best.template.template.type)?.score ?? 0);
  return { template: best.template, confidence: round(confidence(best.score, second, best.template.recognise.min_score)) };
}

/** How well `text` fits `template` alone (0-1): for a template the uploader picked. */
export function fit(text: string, template: CompiledTemplate): number {
  return round(Math.min(1, score(text, template) / (2 * template.recognise.min_score)));
}

/**
 * The fields of `text`: for each field, the template's rules then the common ones, in
 * order; the first match whose value passes its validator wins. Fields not found are absent.
 */
export function readFields(text: string, template: CompiledTemplate | null, common: CompiledTemplate): Record<string, string> {
  const names = new Set([...Object.keys(template?.fields ?? {}), ...Object.keys(common.fields)]);
  const fields: Record<string, string> = {};
  for (const name of names) {
    const rules = [...(template?.fields[name] ?? []), ...(common.fields[name] ?? [])];
    for (const rule of rules) {
      const value = firstValid(text, rule.regex, rule.validate);
      if (value !== null) {
        fields[name] = value;
        break;
      }
    }
  }
  return fields;
}

function firstValid(text: string, regex: RegExp, validate: FieldValidator): string | null {
  const global = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
  for (const match of text.matchAll(global)) {
    const groups = match.groups ?? {};
    const raw = groups.value ?? (groups.given !== undefined && groups.family !== undefined ? `${groups.given} ${groups.family}` : match[1]);
    if (raw === undefined) continue;
    const value = normalise(raw, validate);
    if (value !== null) return value;
  }
  return null;
}

/** Checks and normalises a matched value by its validator; null when it fails. */
export function normalise(raw: string, validate: FieldValidator): string | null {
  switch (validate) {
    case 'date': {
      const direct = normaliseDate(raw);
      // Letters in a numeric date are OCR's misreadings of digits; a month name is not.
      return direct ?? (/[A-Za-z]{3}/.test(raw) ? null : normaliseDate(fixDigits(raw)));
    }
    case 'nhs_mod11':
      return normaliseNhsNumber(raw);
    case 'mrn':
      return normaliseMrn(raw);
    case 'name': {
      const name = normaliseName(raw);
      return name !== null && name.split(' ').length >= 2 && name.split(' ').length <= MAX_NAME_WORDS ? name : null;
    }
    case 'text': {
      const text = raw.replace(/\s+/g, ' ').trim();
      return text.length > 0 ? text : null;
    }
  }
}

function score(text: string, template: CompiledTemplate): number {
  let total = 0;
  for (const { regex, weight } of template.recognise.patterns) {
    regex.lastIndex = 0;
    if (regex.test(text)) total += weight;
  }
  return total;
}

function confidence(best: number, second: number, minScore: number): number {
  const share = best / (best + second);
  return share * Math.min(1, best / (2 * minScore));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
