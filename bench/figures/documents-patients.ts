import { checkPatient, type PatientRecord } from '@batch-uploader/server';
import type { DocumentReading } from '@batch-uploader/protocol';
import type { CorpusDocument, FiledPair, Person } from '@batch-uploader/test-support/document-corpus';
import type { Figure } from '../lib/figure.js';
import { round } from '../lib/stats.js';

/** One file of the corpus as the documents processor read it. */
export interface PatientReading {
  document: CorpusDocument;
  form: 'digital' | 'scan';
  reading: DocumentReading;
}

/**
 * The wrong-patient guard over the corpus's pairs: every pair (a document filed to its own
 * patient, or to another) checked with `checkPatient` against the fields the processor
 * read from each of the document's files (its digital PDF and its scan), as the engine
 * does. A mismatch pair is "detectable" when the document prints at least one identifier
 * that differs from the filed-to patient's (the check run on the ground truth finds a
 * conflicting field): a letter that prints only a name, filed to a namesake, names no
 * one else and cannot be caught from its text. Recall is reported over every mismatch
 * pair (the key) and over the detectable ones (an extra key).
 */
export function patientFigures(readings: readonly PatientReading[], pairs: readonly FiledPair[], progress: (message: string) => void): Figure[] {
  const pairsOf = groupPairs(pairs);
  let mismatches = 0;
  let caught = 0;
  let detectable = 0;
  let caughtDetectable = 0;
  let matches = 0;
  let falseAlarms = 0;
  const outcomes = new Map<string, number>();
  for (const { document, form, reading } of readings) {
    for (const pair of pairsOf.get(document.id) ?? []) {
      const patient = recordOf(pair.filed_to);
      const outcome = checkPatient(reading.fields, patient).outcome;
      outcomes.set(`${pair.expected}→${outcome}`, (outcomes.get(`${pair.expected}→${outcome}`) ?? 0) + 1);
      if (pair.expected === 'match') {
        matches++;
        if (outcome === 'mismatch') {
          falseAlarms++;
          progress(`  patient: ${document.id} ${form} (${document.type} layout ${document.layout}) filed to its own patient: mismatch`);
        }
        continue;
      }
      mismatches++;
      const canTell = checkPatient({ ...document.fields }, patient).conflicting.length > 0;
      if (canTell) detectable++;
      if (outcome === 'mismatch') {
        caught++;
        if (canTell) caughtDetectable++;
      } else if (canTell) {
        progress(`  patient: ${document.id} ${form} (${document.type} layout ${document.layout}) filed to another patient: ${outcome}`);
      }
    }
  }
  const tally = [...outcomes].map(([key, n]) => `${key} ${n}`).join(', ');
  return [
    {
      key: 'patient_mismatch_recall',
      value: round(caught / mismatches, 3),
      unit: '',
      target: { goal: 0.995, floor: 0.98, better: 'higher' },
      detail: `${caught} of ${mismatches} files filed to another patient flagged mismatch (each document's digital PDF and scan); ${detectable} of them print an identifier that differs (${tally})`,
    },
    {
      key: 'patient_mismatch_recall_detectable',
      value: round(caughtDetectable / detectable, 3),
      unit: '',
      detail: `${caughtDetectable} of the ${detectable} mismatch files whose printed identifiers include one that differs from the filed-to patient's`,
    },
    {
      key: 'patient_false_alarm_rate',
      value: round(falseAlarms / matches, 4),
      unit: '',
      target: { goal: 0.005, floor: 0.02, better: 'lower' },
      detail: `${falseAlarms} of ${matches} files filed to their own patient flagged mismatch`,
    },
  ];
}

function groupPairs(pairs: readonly FiledPair[]): Map<string, FiledPair[]> {
  const map = new Map<string, FiledPair[]>();
  for (const pair of pairs) map.set(pair.document_id, [...(map.get(pair.document_id) ?? []), pair]);
  return map;
}

/** The filed-to person as the host's `resolvePatient` would give them. */
function recordOf(person: Person): PatientRecord {
  return {
    name: `${person.given} ${person.family}`,
    date_of_birth: person.date_of_birth,
    identifiers: { nhs_number: person.nhs_number, mrn: person.mrn },
  };
}
