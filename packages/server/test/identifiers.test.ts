import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkPatient,
  compareNames,
  isoDate,
  mrnKey,
  nameKey,
  normaliseDate,
  normaliseMrn,
  normaliseName,
  normaliseNhsNumber,
  validNhsDigits,
} from '@batch-uploader/server';

// The documents processor and the wrong-patient guard read dates, names and numbers with
// one implementation each: these tests hold the behaviour both rely on.

describe('one date reader', () => {
  test('the forms either side wrote read the same through both names', () => {
    for (const written of [
      '07/03/1980',
      '7 3 1980',
      '1980/03/07',
      '1980.3.7',
      '7/Mar/1980',
      '07-Mar-1980',
      'Mar 7th 1980',
      '7th March, 1980',
      '07 - 03 - 1980',
    ]) {
      assert.equal(normaliseDate(written), '1980-03-07', written);
      assert.equal(isoDate(written), '1980-03-07', written);
    }
  });

  test('a month word must be a month, and the date must exist, in both', () => {
    for (const written of ['7 Marchy 1980', '7 Smarch 1980', '31/02/1980', '1980-13-01', '1 Jan 1870'])
      assert.deepEqual([normaliseDate(written), isoDate(written)], [null, null], written);
  });

  test('a two-digit year is guessed for a document date, never for an identity comparison', () => {
    assert.equal(normaliseDate('12/03/61'), '1961-03-12');
    assert.equal(normaliseDate('12/03/24'), '2024-03-12');
    assert.equal(isoDate('12/03/61'), null);
    // A registry born 1925 and a letter's "07/03/25": the century is a guess, so no conflict.
    const check = checkPatient(
      { date_of_birth: '07/03/25', nhs_number: '943 476 5919' },
      { date_of_birth: '1925-03-07', identifiers: { nhs_number: '9434765919' } },
    );
    assert.deepEqual([check.outcome, check.conflicting], ['match', []]);
  });
});

describe('one reader of patient numbers', () => {
  test('NHS numbers: the guard reads OCR look-alikes and dots as the processor does', () => {
    assert.equal(validNhsDigits('943.476.59l9'), '9434765919');
    assert.equal(normaliseNhsNumber('943.476.59l9'), '9434765919');
    assert.equal(validNhsDigits('943 476 5918'), null);
  });

  test('MRNs: printed form for a field, padding-blind key for comparing', () => {
    assert.equal(normaliseMrn('rx 0012345'), 'RX0012345');
    assert.equal(mrnKey('0012345'), mrnKey('12345'));
    assert.equal(mrnKey('rx-12/345'), 'RX12345');
  });
});

describe('one name reader', () => {
  test('"DOE Jane", the clinical capitals-first form, is read the same for display and for matching', () => {
    assert.equal(normaliseName('DOE Jane Ann'), 'Jane Ann Doe');
    assert.equal(compareNames('DOE Jane Ann', 'Jane Doe'), 'same');
    assert.equal(nameKey(normaliseName('NÍ BHRIAIN Siobhán')!), 'siobhan ni bhriain');
  });

  test('qualifications go only from the end of a longer name: "Ma" and "Md" can be names', () => {
    assert.equal(normaliseName('Dr Jane Doe MB ChB'), 'Jane Doe');
    assert.equal(normaliseName('Li Ma'), 'Li Ma');
    assert.equal(normaliseName('Md Rahman'), 'Md Rahman');
    assert.equal(normaliseName('Lord Jane Doe Jr'), 'Jane Doe');
  });
});
