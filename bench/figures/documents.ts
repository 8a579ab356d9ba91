import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createDocumentsProcessor, nameKey, type DocumentsProcessor, type DocumentsResult } from '@batch-uploader/server';
import { generateCorpus, type CorpusDocument, type TruthFields } from '@batch-uploader/test-support/document-corpus';
import type { BenchModule } from '../lib/figure.js';
import { round } from '../lib/stats.js';
import { patientFigures, type PatientReading } from './documents-patients.js';

// Two parser processes, two files in flight: the demo server's processing of one worker with two cores.
const CONCURRENCY = 2;
const NAME_FIELDS = new Set(['patient_name', 'author']);

type Reading = PatientReading;

/**
 * Reading documents: the generated corpus (five types, several layouts each, invented
 * people; photos with no text) through the documents processor, as a host runs it —
 * memory-capped parser processes, CONCURRENCY 2 — first the digital PDFs, then the scans
 * (JPEG and image-only PDF, rotated and speckled). Type accuracy is over every file;
 * field F1 over every field of the ground truth and every field read, a value counting
 * only when it equals the truth (names compared case- and accent-insensitively, as the
 * wrong-patient guard compares them). OCR pages per second is the scans' pages over the
 * scan phase's wall time.
 */
export const documents: BenchModule = {
  id: 'documents',
  keys: [
    'doc_type_accuracy',
    'field_f1',
    'doc_type_accuracy_scans',
    'field_f1_scans',
    'ocr_pages_per_second',
    'ocr_pages_per_second_cpus',
    'ocr_cpu_seconds_per_page',
    'pdf_text_pages_per_second',
    'patient_mismatch_recall',
    'patient_mismatch_recall_detectable',
    'patient_false_alarm_rate',
  ],
  async run({ settings, progress }) {
    let started = performance.now();
    const corpus = await generateCorpus({ count: settings.corpusDocuments });
    progress(`documents: corpus of ${corpus.documents.length} documents in ${corpus.dir} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    // One processor per phase: closing it reaps its parser processes, so the CPU time the
    // scan phase's children used shows in this process's reaped-children counters.
    const digital = corpus.documents.filter((d) => d.files.digital);
    started = performance.now();
    const digitalReadings = await readPhase(digital, 'digital');
    const digitalSeconds = (performance.now() - started) / 1000;
    const childCpuBefore = reapedChildrenCpuSeconds();
    started = performance.now();
    const scanReadings = await readPhase(corpus.documents, 'scan');
    const scanSeconds = (performance.now() - started) / 1000;
    const scanCpuSeconds = reapedChildrenCpuSeconds() - childCpuBefore;
    const all = [...digitalReadings, ...scanReadings];
    for (const miss of all.filter((r) => r.reading.type !== r.document.type)) {
      progress(`  type: ${miss.document.id} ${miss.form} (${miss.document.type} layout ${miss.document.layout}) read as ${miss.reading.type}`);
    }
    const cpuCount = cpus().length;
    const scanPages = scanReadings.filter((r) => r.reading.text_source !== 'pdf_text').length;
    const f1 = fieldScore(all, progress);
    const patients = patientFigures(all, corpus.pairs, progress);
    return [
      {
        key: 'doc_type_accuracy',
        value: round(accuracy(all), 3),
        unit: '',
        target: { goal: 0.98, floor: 0.95, better: 'higher' },
        detail: `${all.length} files: ${digital.length} digital PDFs, ${corpus.documents.length} scans (JPEG and image-only PDF) and photos; digital ${round(accuracy(digitalReadings), 3)}`,
      },
      { key: 'doc_type_accuracy_scans', value: round(accuracy(scanReadings), 3), unit: '', detail: `the ${scanReadings.length} scans and photos alone` },
      {
        key: 'field_f1',
        value: round(f1.f1, 3),
        unit: '',
        target: { goal: 0.95, floor: 0.9, better: 'higher' },
        detail: `${f1.truth} fields in the ground truth, ${f1.read} read, ${f1.right} right (precision ${round(f1.precision, 3)}, recall ${round(f1.recall, 3)}); digital ${round(fieldScore(digitalReadings).f1, 3)}`,
      },
      { key: 'field_f1_scans', value: round(fieldScore(scanReadings).f1, 3), unit: '', detail: `the ${scanReadings.length} scans and photos alone` },
      {
        key: 'ocr_pages_per_second',
        value: round(scanPages / scanSeconds, 2),
        unit: 'pages/s',
        detail: `${scanPages} scanned pages (A4, 150-200 dpi) in ${scanSeconds.toFixed(0)} s, CONCURRENCY ${CONCURRENCY}, ${cpuCount} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'})`,
      },
      {
        key: 'ocr_cpu_seconds_per_page',
        value: round(scanCpuSeconds / scanPages, 2),
        unit: 's',
        detail: `CPU time (user + system) of the scan phase's parser processes, ${scanCpuSeconds.toFixed(0)} s for ${scanPages} pages (from /proc/self/stat's reaped children, the processes stopped at the phase's end; process start included)`,
      },
      { key: 'ocr_pages_per_second_cpus', value: cpuCount, unit: 'CPUs', detail: 'the CPU count ocr_pages_per_second was measured with' },
      {
        key: 'pdf_text_pages_per_second',
        value: round(digital.length / digitalSeconds, 1),
        unit: 'pages/s',
        detail: `${digital.length} one-page digital PDFs in ${digitalSeconds.toFixed(1)} s, CONCURRENCY ${CONCURRENCY}, ${cpuCount} CPUs`,
      },
      ...patients,
    ];
  },
};

async function readPhase(documents: readonly CorpusDocument[], form: 'digital' | 'scan'): Promise<Reading[]> {
  const processor = createDocumentsProcessor({ maxWorkers: CONCURRENCY });
  try {
    return await readAll(processor, documents, form);
  } finally {
    await processor.close();
  }
}

/** CPU seconds (user + system) of this process's children that have exited and been waited for (Linux). */
function reapedChildrenCpuSeconds(): number {
  // Fields after the command's closing parenthesis: cutime and cstime are the 14th and 15th.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

async function readAll(processor: DocumentsProcessor, documents: readonly CorpusDocument[], form: 'digital' | 'scan'): Promise<Reading[]> {
  const readings: Reading[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < documents.length) {
      const document = documents[next++]!;
      const path = form === 'digital' ? document.files.digital! : document.files.scan;
      const result = await processor(fileOf(path, document.id), contextOf());
      readings.push({ document, form, reading: (result as DocumentsResult).document });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return readings;
}

function accuracy(readings: readonly Reading[]): number {
  return readings.filter((r) => r.reading.type === r.document.type).length / readings.length;
}

function fieldScore(
  readings: readonly Reading[],
  progress?: (message: string) => void,
): { f1: number; precision: number; recall: number; truth: number; read: number; right: number } {
  let truth = 0;
  let read = 0;
  let right = 0;
  for (const { document, form, reading } of readings) {
    const names = new Set([...Object.keys(document.fields), ...Object.keys(reading.fields)]);
    for (const name of names) {
      const expected = document.fields[name as keyof TruthFields];
      const got = reading.fields[name];
      if (expected !== undefined) truth++;
      if (got !== undefined) read++;
      if (expected !== undefined && got !== undefined && same(name, expected, got)) right++;
      else if (progress)
        progress(
          `  field: ${document.id} ${form} (${document.type} layout ${document.layout}) ${name}: ${expected === undefined ? 'none' : 'expected'} / ${got === undefined ? 'none' : 'read'}${expected && got ? ' (differs)' : ''}`,
        );
    }
  }
  const precision = read === 0 ? 0 : right / read;
  const recall = truth === 0 ? 0 : right / truth;
  return { f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), precision, recall, truth, read, right };
}

function same(name: string, expected: string, got: string): boolean {
  return NAME_FIELDS.has(name) ? nameKey(expected) === nameKey(got) : expected === got;
}

function fileOf(path: string, id: string) {
  return {
    file_id: id,
    batch_id: 'bench',
    filename: id,
    size: 0,
    detected_type: null,
    declared_type: null,
    open: () => {
      throw new Error('read() only');
    },
    read: () => readFile(path),
  };
}

function contextOf() {
  return { signal: new AbortController().signal, attempt: 1, workspace_id: 'bench', patient_id: null, template_id: null, encounter_id: null };
}
