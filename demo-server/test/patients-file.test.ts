import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from '../src/config.js';
import { patientResolver } from '../src/patients.js';
import { tempDir } from '@batch-uploader/test-support/http';

const SAMPLE = fileURLToPath(new URL('../patients.sample.json', import.meta.url));
const signal = new AbortController().signal;

async function fileWith(content: string): Promise<string> {
  const path = join(await tempDir('patients-'), 'patients.json');
  await writeFile(path, content);
  return path;
}

describe('PATIENTS_FILE', () => {
  it('reads the shipped sample: invented people with valid NHS numbers', () => {
    const patients = configFromEnv({ PATIENTS_FILE: SAMPLE }).patients;
    assert.ok(patients && patients.length >= 4);
    assert.ok(
      patients.every((p) => /^\d{10}$/.test(p.nhs_number)),
      'NHS numbers are kept as 10 digits',
    );
    assert.equal(configFromEnv({}).patients, null, 'no file: no registry');
  });

  it('resolves a patient in the batch workspace, else one listed for every workspace', async () => {
    const resolve = patientResolver(configFromEnv({ PATIENTS_FILE: SAMPLE }).patients!);
    assert.deepEqual(await resolve({ workspace_id: 'dev', patient_id: 'P-1001', signal }), {
      name: 'Jane Doe',
      date_of_birth: '1980-03-07',
      identifiers: { nhs_number: '9990000018', mrn: 'RX1000001' },
    });
    assert.equal((await resolve({ workspace_id: 'clinic-b', patient_id: 'P-2001', signal }))?.name, 'Mary Ann Jones');
    assert.equal(await resolve({ workspace_id: 'clinic-a', patient_id: 'P-2001', signal }), null, "another workspace's patient is not known");
    assert.equal(await resolve({ workspace_id: 'dev', patient_id: 'P-0000', signal }), null);
  });

  it('refuses a file that cannot be used at start, naming the entry and field but never a patient', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      ['{"patient_id":"P-1"}', /JSON array/],
      ['[{"patient_id":"P-1","name":"Ann Lee","date_of_birth":"1990-02-30","nhs_number":"9990000018"}]', /entry 1: "date_of_birth"/],
      ['[{"patient_id":"P-1","name":"Ann Lee","date_of_birth":"07/03/1980","nhs_number":"9990000018"}]', /entry 1: "date_of_birth"/],
      ['[{"patient_id":"P-1","name":"Ann Lee","date_of_birth":"1990-02-03","nhs_number":"9990000017"}]', /entry 1: "nhs_number".*Modulus 11/],
      ['[{"patient_id":"P-1","date_of_birth":"1990-02-03","nhs_number":"9990000018"}]', /entry 1: "name"/],
      ['[{"name":"Ann Lee","date_of_birth":"1990-02-03","nhs_number":"9990000018"}]', /entry 1: "patient_id"/],
      [
        '[{"patient_id":"P-1","name":"Ann Lee","date_of_birth":"1990-02-03","nhs_number":"9990000018"},{"patient_id":"P-1","name":"Bo Li","date_of_birth":"1991-02-03","nhs_number":"9990011389"}]',
        /entry 2 repeats a patient_id/,
      ],
    ];
    for (const [content, expected] of cases) {
      const path = await fileWith(content);
      assert.throws(
        () => configFromEnv({ PATIENTS_FILE: path }),
        (error: Error) => error.name === 'ConfigError' && expected.test(error.message) && !/Ann Lee|Bo Li|999000/.test(error.message),
        content,
      );
    }
    assert.throws(() => configFromEnv({ PATIENTS_FILE: '/nowhere/patients.json' }), /PATIENTS_FILE cannot be read/);
  });
});
