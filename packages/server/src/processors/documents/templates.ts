import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How a field's matched text is checked and normalised. */
export type FieldValidator = 'name' | 'date' | 'nhs_mod11' | 'mrn' | 'text';

/** One way of finding a field: a pattern whose `value` group (or `given` and `family`) holds it. */
export interface FieldRule {
  pattern: string;
  validate: FieldValidator;
}

/** A weighted sign of a document type. */
export interface RecognitionRule {
  pattern: string;
  weight: number;
}

/**
 * A document template, as JSON: how to recognise a document type and which fields to
 * read from it. See the server README ("Templates") for the format.
 */
export interface DocumentTemplate {
  /** Unique; what `template_id` names on upload. */
  id: string;
  /** The document type it reads, e.g. `referral_letter`. */
  type: string;
  /** A name for people. */
  title?: string;
  /** Signs of the type: the document is of this type when their weights add up to `min_score`. */
  recognise: { min_score: number; patterns: RecognitionRule[] };
  /** Field rules tried before the common ones, in order; the first valid match wins. */
  fields?: Record<string, FieldRule[]>;
}

/** Thrown when a template file is not a valid template. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const VALIDATORS: readonly FieldValidator[] = ['name', 'date', 'nhs_mod11', 'mrn', 'text'];
const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

// Words that start the next label on a line, where a name stops: "Jane DOE DOB: …".
const LABEL_WORD = String.raw`(?:DOB|D\.O\.B|Date|NHS|Hosp(?:ital)?|MRN|Born|Age|Sex|Gender|Ward|Consultant|Unit|Address|Tel|Ref|PAS)\b`;
// One word of a name, never a label word.
const NAME_WORD = String.raw`(?!${LABEL_WORD})[\p{L}'’.\-]+`;

/**
 * Shorthands a pattern may use for a field's value, each a named group `value`: write
 * `DOB:\s*{DATE}` instead of spelling out every UK date form.
 */
export const PATTERN_MACROS: Readonly<Record<string, string>> = Object.freeze({
  '{DATE}': String.raw`(?<value>\d{1,2} ?[/.\-] ?\d{1,2} ?[/.\-] ?(?:\d{4}|\d{2})(?!\d)|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?[ \-][A-Za-z]{3,9}\.?,?[ \-]\d{4})`,
  '{NHS}': String.raw`(?<value>[\dOoIlSB|]{3}[ .\-]?[\dOoIlSB|]{3}[ .\-]?[\dOoIlSB|]{4})(?![\d])`,
  '{MRN}': String.raw`(?<value>[A-Za-z]{0,4}[ \-]?\d[\dA-Za-z]{3,11})\b`,
  '{NAME}': `(?<value>${NAME_WORD}(?: ${NAME_WORD}){0,5}(?:, ?${NAME_WORD}(?: ${NAME_WORD}){0,3})?)(?= *(?:$|[,;:(|\\t"”]| {2}| \\d| ${LABEL_WORD}))`,
  '{TEXT}': String.raw`(?<value>[^\n]{1,80})`,
});

/** A template with its patterns compiled. */
export interface CompiledTemplate {
  template: DocumentTemplate;
  recognise: { min_score: number; patterns: { regex: RegExp; weight: number }[] };
  fields: Record<string, { regex: RegExp; validate: FieldValidator }[]>;
}

/** Expands the macros of `pattern` and compiles it (case-insensitive, multi-line, Unicode). */
export function compilePattern(pattern: string): RegExp {
  let source = pattern;
  for (const [macro, expansion] of Object.entries(PATTERN_MACROS)) source = source.split(macro).join(expansion);
  return new RegExp(source, 'imu');
}

/** Checks a parsed template file; throws a {@link TemplateError} naming `origin` and the fault. */
export function validateTemplate(value: unknown, origin: string): DocumentTemplate {
  const fail = (what: string): never => {
    throw new TemplateError(`Template ${origin}: ${what}.`);
  };
  if (!isObject(value)) return fail('must be a JSON object');
  if (typeof value.id !== 'string' || !/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(value.id)) fail('"id" must be 1-64 lower-case letters, digits, "_", "-" or "."');
  if (typeof value.type !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(value.type)) fail('"type" must be a snake_case name');
  if (value.title !== undefined && typeof value.title !== 'string') fail('"title" must be a string');
  const recognise = value.recognise;
  if (!isObject(recognise)) return fail('"recognise" must be an object');
  if (typeof recognise.min_score !== 'number' || !(recognise.min_score > 0)) fail('"recognise.min_score" must be a number above 0');
  if (!Array.isArray(recognise.patterns) || recognise.patterns.length === 0) fail('"recognise.patterns" must be a non-empty array');
  (recognise.patterns as unknown[]).forEach((rule, i) => {
    if (!isObject(rule) || typeof rule.weight !== 'number' || !Number.isFinite(rule.weight)) fail(`"recognise.patterns[${i}]" needs a numeric "weight"`);
    checkPattern((rule as Record<string, unknown>).pattern, `"recognise.patterns[${i}].pattern"`, fail);
  });
  if (value.fields !== undefined) {
    if (!isObject(value.fields)) fail('"fields" must be an object of field name → rules');
    for (const [name, rules] of Object.entries(value.fields as Record<string, unknown>)) {
      if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) fail(`field "${name}" must be a snake_case name`);
      if (!Array.isArray(rules)) fail(`"fields.${name}" must be an array of rules`);
      (rules as unknown[]).forEach((rule, i) => {
        const where = `"fields.${name}[${i}]"`;
        if (!isObject(rule)) return fail(`${where} must be an object`);
        if (!VALIDATORS.includes(rule.validate as FieldValidator)) fail(`${where}.validate must be one of ${VALIDATORS.join(', ')}`);
        checkPattern(rule.pattern, `${where}.pattern`, fail);
        const source = compilePattern(rule.pattern as string).source;
        if (!source.includes('(?<value>') && !(source.includes('(?<given>') && source.includes('(?<family>'))) {
          fail(`${where}.pattern needs a "value" group (or a macro such as {DATE}), or "given" and "family" groups`);
        }
      });
    }
  }
  return value as unknown as DocumentTemplate;
}

/** Compiles a valid template's patterns. */
export function compileTemplate(template: DocumentTemplate): CompiledTemplate {
  return {
    template,
    recognise: {
      min_score: template.recognise.min_score,
      patterns: template.recognise.patterns.map((rule) => ({ regex: new RegExp(compilePattern(rule.pattern).source, 'gimu'), weight: rule.weight })),
    },
    fields: Object.fromEntries(
      Object.entries(template.fields ?? {}).map(([name, rules]) => [
        name,
        rules.map((rule) => ({ regex: compilePattern(rule.pattern), validate: rule.validate })),
      ]),
    ),
  };
}

/**
 * Reads every `*.json` file of `dir` as a template (sorted by name); throws a
 * {@link TemplateError} naming the first file that is not valid JSON or not a valid template.
 */
export async function loadTemplatesDir(dir: string): Promise<DocumentTemplate[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new TemplateError(`Templates folder ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: error });
  }
  const templates: DocumentTemplate[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new TemplateError(`Template ${path}: not valid JSON (${(error as Error).message}).`, { cause: error });
    }
    templates.push(validateTemplate(parsed, path));
  }
  const ids = new Set<string>();
  for (const template of templates) {
    if (ids.has(template.id)) throw new TemplateError(`Templates folder ${dir}: the id "${template.id}" is used twice.`);
    ids.add(template.id);
  }
  return templates;
}

let builtIns: Promise<{ templates: DocumentTemplate[]; commonFields: Record<string, FieldRule[]> }> | undefined;

/** The five built-in templates and the common field rules, read once from the package's `templates` folder. */
export function builtInTemplates(): Promise<{ templates: DocumentTemplate[]; commonFields: Record<string, FieldRule[]> }> {
  builtIns ??= (async () => {
    const templates = await loadTemplatesDir(TEMPLATES_DIR);
    const common = validateTemplate(JSON.parse(await readFile(join(TEMPLATES_DIR, 'common', 'fields.json'), 'utf8')), 'common/fields.json');
    return { templates, commonFields: common.fields ?? {} };
  })();
  return builtIns;
}

/** The built-ins with `extra` added; an extra template with a built-in's id replaces it. */
export function mergeTemplates(builtIn: readonly DocumentTemplate[], extra: readonly DocumentTemplate[]): DocumentTemplate[] {
  const byId = new Map(builtIn.map((template) => [template.id, template]));
  for (const template of extra) byId.set(template.id, template);
  return [...byId.values()];
}

function checkPattern(pattern: unknown, where: string, fail: (what: string) => never): void {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > 2000) fail(`${where} must be a string of 1-2000 characters`);
  try {
    compilePattern(pattern as string);
  } catch (error) {
    fail(`${where} is not a valid regular expression (${(error as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
