import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  TemplateError,
  isValidNhsNumber,
  loadTemplatesDir,
  readDocument,
  nameKey,
  nhsCheckDigit,
  normaliseDate,
  normaliseMrn,
  normaliseName,
  normaliseNhsNumber,
  validateTemplate,
} from '../src/processors/documents/index.js';
import { classify, readFields } from '../src/processors/documents/read-fields.js';
import { builtInTemplates, compileTemplate } from '../src/processors/documents/templates.js';

describe('NHS numbers (Modulus 11)', () => {
  test('accepts numbers whose last digit is the check digit, refuses one digit off', () => {
    // 943 476 5919 is the NHS's own published example.
    assert.equal(isValidNhsNumber('9434765919'), true);
    assert.equal(isValidNhsNumber('9434765918'), false);
    assert.equal(isValidNhsNumber('4010232137'), true);
    assert.equal(isValidNhsNumber('401023213'), false);
    assert.equal(isValidNhsNumber('94347659190'), false);
  });

  test('a remainder of 11 gives check digit 0, and 10 means no number is valid', () => {
    // 9*10 + ... chosen so that the sum is a multiple of 11.
    assert.equal(nhsCheckDigit('000000000'), 0);
    const tens = Array.from({ length: 1000 }, (_, i) => String(100_000_000 + i * 997).padStart(9, '0')).filter((nine) => nhsCheckDigit(nine) === null);
    assert.ok(tens.length > 0);
    for (const nine of tens) for (let d = 0; d <= 9; d++) assert.equal(isValidNhsNumber(nine + d), false);
  });

  test('normalises printed forms and OCR misreadings, refusing invalid ones', () => {
    assert.equal(normaliseNhsNumber('943 476 5919'), '9434765919');
    assert.equal(normaliseNhsNumber('943-476-5919'), '9434765919');
    assert.equal(normaliseNhsNumber('943 476.5919'), '9434765919');
    assert.equal(normaliseNhsNumber('943 476 59l9'), '9434765919');
    assert.equal(normaliseNhsNumber('943 476 5918'), null);
  });
});

describe('dates in UK forms', () => {
  test('every common form of 12 March 1961 reads as 1961-03-12', () => {
    for (const form of [
      '12/03/1961',
      '12.03.1961',
      '12-03-1961',
      '12 March 1961',
      '12 Mar 1961',
      '12th March 1961',
      '12-Mar-1961',
      '1961-03-12',
      '12/3/1961',
      'March 12, 1961',
      '12 Sept 1961'.replace('Sept', 'Mar'),
    ]) {
      assert.equal(normaliseDate(form), '1961-03-12', form);
    }
  });

  test('day first, and impossible dates refused', () => {
    assert.equal(normaliseDate('03/12/1961'), '1961-12-03');
    assert.equal(normaliseDate('31/02/2020'), null);
    assert.equal(normaliseDate('12/13/2020'), null);
    assert.equal(normaliseDate('12 Marchy 1961'), null);
    assert.equal(normaliseDate('29 Feb 2024'), '2024-02-29');
    assert.equal(normaliseDate('12 Sept 2024'), '2024-09-12');
  });
});

describe('names', () => {
  test('"DOE, Jane", titles, capitals and spacing all become "Jane Doe"', () => {
    for (const form of ['DOE, Jane', 'Jane Doe', 'Mrs Jane DOE', 'JANE  DOE', 'Ms. jane doe', 'Dr Jane Doe FRCP'])
      assert.equal(normaliseName(form), 'Jane Doe', form);
  });

  test('keeps accents, apostrophes, hyphens and Mc; the key folds accents', () => {
    assert.equal(normaliseName("O'BRIEN, Siobhán"), "Siobhán O'Brien");
    assert.equal(normaliseName('ZOË SMITH-JONES'), 'Zoë Smith-Jones');
    assert.equal(normaliseName('MCDONALD, Bethan'), 'Bethan McDonald');
    assert.equal(nameKey('Zoë Smith-Jones'), nameKey('ZOE SMITH-JONES'));
    assert.notEqual(nameKey('Jane Doe'), nameKey('Jane Dee'));
  });

  test('drops OCR specks at the ends, refuses what is not a name', () => {
    assert.equal(normaliseName('i ROSSI, Esther he'), 'Esther Rossi');
    assert.equal(normaliseName('12 Station Road'), null);
  });

  test('hospital numbers upper case without spaces', () => {
    assert.equal(normaliseMrn('rx 123456'), 'RX123456');
    assert.equal(normaliseMrn('ABCDEF'), null);
  });
});

describe('classification and fields', () => {
  async function set() {
    const { templates, commonFields } = await builtInTemplates();
    const compiled = templates.map(compileTemplate);
    const common = compileTemplate({
      id: 'common',
      type: 'common',
      recognise: { min_score: 1, patterns: [{ pattern: '.', weight: 1 }] },
      fields: commonFields,
    });
    return { compiled, common };
  }

  test('each built-in type is recognised from its own wording, and prose is unknown', async () => {
    const { compiled } = await set();
    const samples: Record<string, string> = {
      referral_letter: 'Dear Dr Patel\nRe: Jane Doe\nI would be grateful if you could see this 60-year-old woman. Reason for referral: chest pain.',
      discharge_summary: 'DISCHARGE SUMMARY\nWard 7\nDate of admission: 01/02/2024\nDate of discharge: 04/02/2024\nMedications on discharge',
      lab_report: 'Department of Haematology\nSpecimen: Blood\nHaemoglobin 141 g/L (115 - 165)\nReference range',
      imaging_report: 'Department of Radiology\nExamination: CT chest\nFindings: no consolidation.\nImpression: normal.',
      clinic_letter: 'Cardiology Outpatient Clinic\nClinic date: 3 March 2024\nI reviewed Mr Doe in clinic today.\nPlan: review in 6 months.',
    };
    for (const [type, text] of Object.entries(samples)) {
      const { template, confidence } = classify(text, compiled);
      assert.equal(template?.template.type, type, type);
      assert.ok(confidence > 0 && confidence <= 1);
    }
    assert.equal(classify('The quick brown fox jumps over the lazy dog.', compiled).template, null);
  });

  test('fields under their common labels, normalised; an invalid NHS number is left out', async () => {
    const { compiled, common } = await set();
    const text =
      'Riverside Surgery\n14 March 2024\nRe: DOE, Jane  DOB: 12.03.1961\nNHS No. 943 476 5919   Hosp No: rx123456\nYours sincerely\nDr Sarah Khan\nGP';
    const { template } = classify(text, compiled);
    assert.deepEqual(readFields(text, template, common), {
      patient_name: 'Jane Doe',
      date_of_birth: '1961-03-12',
      nhs_number: '9434765919',
      mrn: 'RX123456',
      document_date: '2024-03-14',
      author: 'Sarah Khan',
    });
    const bad = readFields('Patient: Jane Doe\nNHS Number: 943 476 5918', null, common);
    assert.equal(bad.nhs_number, undefined);
    assert.equal(bad.patient_name, 'Jane Doe');
  });

  test('surname and forename on their own labels', async () => {
    const { common } = await set();
    assert.equal(readFields('Surname: NOWAK\nForename: Agnieszka\nD.O.B. 1 Feb 1950', null, common).patient_name, 'Agnieszka Nowak');
  });
});

describe('readDocument', () => {
  test('refuses bytes that are neither a PDF nor an accepted image', async () => {
    await assert.rejects(
      readDocument(new TextEncoder().encode('PK\u0003\u0004 not a document at all')),
      (error: unknown) => (error as { code?: string }).code === 'UNSUPPORTED_TYPE',
    );
  });
});

describe('template files', () => {
  const valid = {
    id: 'ecg',
    type: 'ecg_report',
    recognise: { min_score: 2, patterns: [{ pattern: '\\bECG\\b', weight: 2 }] },
    fields: { heart_rate: [{ pattern: 'rate:\\s*(?<value>\\d+)', validate: 'text' }] },
  };

  test('a folder of valid templates loads; a broken one names its file and fault', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'templates-'));
    try {
      await writeFile(join(dir, 'ecg.json'), JSON.stringify(valid));
      assert.deepEqual(await loadTemplatesDir(dir), [valid]);
      await writeFile(
        join(dir, 'broken.json'),
        JSON.stringify({ ...valid, id: 'other', recognise: { min_score: 1, patterns: [{ pattern: '(unclosed', weight: 1 }] } }),
      );
      await assert.rejects(
        loadTemplatesDir(dir),
        (error: unknown) => error instanceof TemplateError && error.message.includes('broken.json') && error.message.includes('recognise.patterns[0].pattern'),
      );
      await writeFile(join(dir, 'broken.json'), '{ not json');
      await assert.rejects(loadTemplatesDir(dir), /broken\.json: not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('validation names the field at fault', () => {
    assert.throws(() => validateTemplate({ ...valid, id: 'Bad Id' }, 'x'), /"id"/);
    assert.throws(() => validateTemplate({ ...valid, fields: { heart_rate: [{ pattern: 'rate', validate: 'text' }] } }, 'x'), /needs a "value" group/);
    assert.throws(() => validateTemplate({ ...valid, fields: { heart_rate: [{ pattern: '{DATE}', validate: 'guess' }] } }, 'x'), /validate must be one of/);
  });
});
