import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkPatient, compareNames, isoDate, isValidNhsNumber } from '@batch-uploader/server';

const JANE = { name: 'Jane Doe', date_of_birth: '1980-03-07', identifiers: { nhs_number: '943 476 5919', mrn: 'rx1 234567' } };

describe('compareNames', () => {
  const same: [string, string][] = [
    ['Jane Doe', 'jane doe'],
    ['Jane Doe', 'DOE, Jane'],
    ['Jane Doe', 'Doe, Jane Ann'],
    ['Jane Doe', 'Mrs Jane A. Doe'],
    ['Jane Doe', 'J. Doe'],
    ['Jane Doe', 'Dr J A Doe'],
    ['Jane Doe', 'DOE Jane'],
    ['Mary Jane Doe', 'Jane Doe'],
    ['Zoë Müller', 'Zoe Muller'],
    ["Siobhán O'Brien", 'Siobhan OBrien'],
    ['Siobhán O’Brien', "siobhan o'brien"],
    ['Anna Smith-Jones', 'Anna Smith Jones'],
    ['Anna Smith-Jones', 'Anna Smith'],
    ['Anna Smith-Jones', 'SMITH-JONES, Anna'],
    ['Jonathan Whitfield', 'Jonathan Whitfeld'],
    ['Jonathan Whitfield', 'Jonahtan Whitfield'],
    ['Doe', 'Jane Doe'],
    ['Mary-Jane Doe', 'Mary Doe'],
    ['Mary-Jane Doe', 'Mary Jane Doe'],
    ['Jean - Paul Martin', 'Jean-Paul Martin'],
  ];
  for (const [a, b] of same) {
    test(`"${a}" and "${b}" are the same person's name`, () => {
      assert.equal(compareNames(a, b), 'same');
      assert.equal(compareNames(b, a), 'same');
    });
  }
  const different: [string, string][] = [
    ['Jane Doe', 'John Smith'],
    ['Jane Doe', 'Jane Smith'],
    ['Jane Doe', 'Mary Doe'],
    ['Jane Doe', 'K. Doe'],
    ['Ann Lee', 'Ann Lea'],
    ['Jane Doe', 'Smith, Jane'],
  ];
  for (const [a, b] of different) {
    test(`"${a}" and "${b}" are different names`, () => {
      assert.equal(compareNames(a, b), 'different');
      assert.equal(compareNames(b, a), 'different');
    });
  }
  test('a name with no letters cannot be compared', () => {
    assert.equal(compareNames('Jane Doe', ' -- '), 'unknown');
    assert.equal(compareNames('Mr', 'Jane Doe'), 'unknown');
  });
});

describe('dates and identifiers', () => {
  test('dates of birth in the UK forms read as one day', () => {
    for (const written of [
      '1980-03-07',
      '07/03/1980',
      '7/3/1980',
      '07.03.1980',
      '07-03-1980',
      '7 March 1980',
      '7th Mar 1980',
      '07 MAR 1980',
      '07-Mar-1980',
      'March 7, 1980',
      'Mar 7th 1980',
    ]) {
      assert.equal(isoDate(written), '1980-03-07', written);
    }
  });
  test('impossible or unknown dates are not read', () => {
    for (const written of ['31/02/1980', '1980-13-01', 'March 1980', '', 'yesterday', '7 Smarch 1980', '07/03/80'])
      assert.equal(isoDate(written), null, written);
  });
  test('NHS numbers pass Modulus 11 only with the right check digit', () => {
    assert.equal(isValidNhsNumber('9434765919'), true);
    assert.equal(isValidNhsNumber('9434765918'), false);
    assert.equal(isValidNhsNumber('943476591'), false);
  });
});

describe('checkPatient', () => {
  test('a document naming the same patient matches on every field it names', () => {
    const check = checkPatient({ patient_name: 'DOE, Jane', date_of_birth: '07/03/1980', nhs_number: '9434765919', mrn: 'RX1234567' }, JANE);
    assert.deepEqual(check, { outcome: 'match', matched: ['nhs_number', 'mrn', 'patient_name', 'date_of_birth'], conflicting: [] });
  });
  test('an NHS number that differs is a mismatch even when the name agrees', () => {
    const check = checkPatient({ patient_name: 'Jane Doe', nhs_number: '4010232137' }, JANE);
    assert.equal(check.outcome, 'mismatch');
    assert.deepEqual(check.conflicting, ['nhs_number']);
    assert.deepEqual(check.matched, ['patient_name']);
  });
  test('an MRN that differs is a mismatch', () => {
    assert.equal(checkPatient({ mrn: 'RX7654321', date_of_birth: '1980-03-07' }, JANE).outcome, 'mismatch');
  });
  test("an MRN that differs beside an agreeing NHS number is another hospital's number, not a mismatch", () => {
    const check = checkPatient({ nhs_number: '9434765919', mrn: 'QZ0099881', patient_name: 'Jane Doe' }, JANE);
    assert.deepEqual(check, { outcome: 'match', matched: ['nhs_number', 'patient_name'], conflicting: ['mrn'] });
  });
  test('MRNs agree across spacing, case and the zeros in front of a number', () => {
    assert.equal(checkPatient({ mrn: ' rx1-234567 ' }, JANE).outcome, 'match');
    assert.equal(checkPatient({ mrn: '0012345' }, { identifiers: { mrn: '12345' } }).outcome, 'match');
  });
  test('an NHS number that fails Modulus 11 is a misread: not compared', () => {
    const check = checkPatient({ nhs_number: '9434765918', patient_name: 'Jane Doe' }, JANE);
    assert.deepEqual(check, { outcome: 'match', matched: ['patient_name'], conflicting: [] });
  });
  test('name and date of birth both differing is a mismatch', () => {
    const check = checkPatient({ patient_name: 'John Smith', date_of_birth: '1955-11-30' }, JANE);
    assert.deepEqual(check, { outcome: 'mismatch', matched: [], conflicting: ['patient_name', 'date_of_birth'] });
  });
  test('a differing name with an agreeing date of birth and NHS number is not a mismatch (a name changed)', () => {
    const check = checkPatient({ patient_name: 'Jane Smith', date_of_birth: '1980-03-07', nhs_number: '9434765919' }, JANE);
    assert.equal(check.outcome, 'match');
    assert.deepEqual(check.conflicting, ['patient_name']);
  });
  test('a differing date of birth with an agreeing name is not a mismatch (a slip in a letter)', () => {
    assert.equal(checkPatient({ patient_name: 'Jane Doe', date_of_birth: '1980-07-03' }, JANE).outcome, 'match');
  });
  test('a document whose only identifier differs is a mismatch', () => {
    assert.equal(checkPatient({ patient_name: 'John Smith' }, JANE).outcome, 'mismatch');
  });
  test('a document naming no comparable field has no identifiers', () => {
    assert.deepEqual(checkPatient({ document_date: '2026-01-01', author: 'Dr Who' }, JANE), { outcome: 'no_identifiers', matched: [], conflicting: [] });
    assert.equal(checkPatient({}, JANE).outcome, 'no_identifiers');
    // The record has no NHS number: the document's cannot be compared.
    assert.equal(checkPatient({ nhs_number: '4010232137' }, { name: 'Jane Doe' }).outcome, 'no_identifiers');
  });
  test('unreadable values are not compared', () => {
    assert.equal(checkPatient({ nhs_number: '12345', date_of_birth: 'soon', patient_name: 42 }, JANE).outcome, 'no_identifiers');
  });
  test('without fields or a patient nothing is checked', () => {
    assert.equal(checkPatient(null, JANE).outcome, 'not_checked');
    assert.equal(checkPatient(undefined, JANE).outcome, 'not_checked');
    assert.equal(checkPatient({ patient_name: 'Jane Doe' }, null).outcome, 'not_checked');
  });
  test('the answer names fields, never their values', () => {
    const text = JSON.stringify(checkPatient({ patient_name: 'John Smith', nhs_number: '4010232137' }, JANE));
    assert.doesNotMatch(text, /John|Smith|4010232137|Jane|9434765919/);
  });
});

describe('compareNames over generated names', () => {
  const people = [
    ['Jane', 'Ann', 'Doe'],
    ['John', 'Paul', 'Smith'],
    ['Zoë', 'Marie', "O'Brien"],
    ['Amir', 'Khalid', 'Rahman'],
    ['Siobhán', 'Rose', 'Ní Bhriain'],
    ['Tomasz', 'Jan', 'Nowak'],
    ['Mary', 'Ellen', 'Smith-Jones'],
    ['Chloé', 'Anne', 'Lefèvre'],
    ['Olufemi', 'Ade', 'Adeyemi'],
    ['Grace', 'Li', 'Wong'],
  ] as const;
  /** Ways letters and registries write one person's name. */
  const styles = (given: string, middle: string, family: string) => [
    `${given} ${family}`,
    `${given} ${middle} ${family}`,
    `${family.toUpperCase()}, ${given}`,
    `${family}, ${given} ${middle[0]}.`,
    `Mx ${given[0]}. ${middle[0]}. ${family}`,
    `${given.toLowerCase()} ${family.toLowerCase()}`,
    `${given.normalize('NFD').replace(/\p{M}/gu, '')} ${family.normalize('NFD').replace(/\p{M}/gu, '').replace(/'/g, '')}`,
    `${family.toUpperCase()} ${given}`,
  ];

  test('every way of writing one person agrees with every other', () => {
    const disagreements: string[] = [];
    for (const [given, middle, family] of people) {
      const written = styles(given, middle, family);
      for (const a of written) for (const b of written) if (compareNames(a, b) !== 'same') disagreements.push(`${a} ≠ ${b}`);
    }
    assert.deepEqual(disagreements, []);
  });

  test('two people of different family names never agree, however written', () => {
    const agreements: string[] = [];
    for (const [i, [g1, m1, f1]] of people.entries()) {
      for (const [j, [g2, m2, f2]] of people.entries()) {
        if (i === j || f1.includes(f2.split('-')[0]!) || f2.includes(f1.split('-')[0]!)) continue;
        for (const a of styles(g1, m1, f1)) for (const b of styles(g2, m2, f2)) if (compareNames(a, b) !== 'different') agreements.push(`${a} = ${b}`);
      }
    }
    assert.deepEqual(agreements, []);
  });
});
