/**
 * A corpus of synthetic clinical documents with ground truth, generated from a seed into a
 * cache folder (nothing binary is committed): referral letters, discharge summaries, lab
 * and imaging reports and clinic letters of invented people, each as a digital PDF
 * (pdf-lib) and as a scan (the page drawn by pdfjs on @napi-rs/canvas, rotated 0-3°,
 * speckled, saved as JPEG or as an image-only PDF), a few photos with no text, and
 * pairs of a document and the patient it is filed to, some of them the wrong patient.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS_TYPES, LETTER_LAYOUTS, type CorpusType, type Facts, type Layout } from './corpus-layouts.js';
import { Random, isoDate, makeClinician, makePeople, type Person } from './corpus-people.js';
import { REPORT_LAYOUTS } from './corpus-reports.js';
import { renderPdf, scanOf, photo } from './corpus-render.js';

export { CORPUS_TYPES, type CorpusType } from './corpus-layouts.js';
export type { Person } from './corpus-people.js';

/** The fields a document's ground truth lists (as the documents processor normalises them). */
export interface TruthFields {
  patient_name?: string;
  date_of_birth?: string;
  nhs_number?: string;
  mrn?: string;
  document_date?: string;
  author?: string;
}

/** One corpus document, its files and its ground truth. */
export interface CorpusDocument {
  id: string;
  /** A corpus type, or `unknown` for a photo. */
  type: CorpusType | 'unknown';
  /** Which layout of its type (0-based). */
  layout: number;
  person_id: string | null;
  /** The fields the document prints (names as given and family name, compared case- and accent-insensitively). */
  fields: TruthFields;
  /** Paths of its files: the digital PDF and the scan (JPEG or image-only PDF); a photo has only `scan`. */
  files: { digital?: string; scan: string };
  scan_format: 'jpeg' | 'pdf';
}

/** A document filed to a patient: its own (`match`) or another (`mismatch`). */
export interface FiledPair {
  document_id: string;
  filed_to: Person;
  expected: 'match' | 'mismatch';
}

/** A generated corpus. */
export interface Corpus {
  dir: string;
  seed: number;
  people: Person[];
  documents: CorpusDocument[];
  pairs: FiledPair[];
}

/** Options of {@link generateCorpus}. */
export interface CorpusOptions {
  /** @default 20261207 */
  seed?: number;
  /** Documents with text, the five types in turn (a multiple of 5 is best); a different count makes a different corpus. @default 200 */
  count?: number;
  /** Photos with no text, besides. @default count / 40, at least 1 */
  photos?: number;
  /** Where files go; a folder already holding this corpus is reused. @default a folder under the OS temp dir */
  dir?: string;
}

// Bump when the generator changes, so that cached corpora are made anew.
const VERSION = 1;
const LAYOUTS: Readonly<Record<CorpusType, readonly Layout[]>> = { ...LETTER_LAYOUTS, ...REPORT_LAYOUTS };

/** Generates the corpus (or reads it from its cache folder) and returns its manifest. */
export async function generateCorpus(options: CorpusOptions = {}): Promise<Corpus> {
  const seed = options.seed ?? 20261207;
  const count = options.count ?? 200;
  const photos = options.photos ?? Math.max(1, Math.floor(count / 40));
  const dir = options.dir ?? join(tmpdir(), `batch-uploader-corpus-v${VERSION}-${seed}-${count}-${photos}`);
  const manifestPath = join(dir, 'manifest.json');
  const cached = await readFile(manifestPath, 'utf8').catch(() => null);
  if (cached) return JSON.parse(cached) as Corpus;
  await mkdir(dir, { recursive: true });
  const random = new Random(seed);
  const people = makePeople(random, Math.max(10, Math.ceil(count * 0.6)));
  const documents: CorpusDocument[] = [];
  for (let i = 0; i < count; i++) documents.push(await makeDocument(i, people, new Random(seed * 7919 + i), dir));
  for (let i = 0; i < photos; i++) documents.push(await makePhoto(i, new Random(seed * 104_729 + i), dir));
  const pairs = filePairs(documents, people, new Random(seed + 1));
  const corpus: Corpus = { dir, seed, people, documents, pairs };
  // Written last, through a rename: a manifest present means a whole corpus.
  await writeFile(`${manifestPath}.tmp`, JSON.stringify(corpus, null, 1));
  await rename(`${manifestPath}.tmp`, manifestPath);
  return corpus;
}

async function makeDocument(index: number, people: Person[], r: Random, dir: string): Promise<CorpusDocument> {
  const type = CORPUS_TYPES[index % CORPUS_TYPES.length]!;
  const layouts = LAYOUTS[type];
  const layout = Math.floor(index / CORPUS_TYPES.length) % layouts.length;
  const person = people[r.int(0, people.length - 1)]!;
  const year = r.int(2019, 2026);
  const month = r.int(1, 12);
  const day = r.int(3, 28);
  const facts: Facts = {
    person,
    author: makeClinician(r),
    other: makeClinician(r),
    date: isoDate(year, month, day),
    earlier: isoDate(year, month, day - r.int(1, 2)),
    shows: { dob: r.chance(0.92), nhs: r.chance(0.85), mrn: r.chance(0.7) },
  };
  const lines = layouts[layout]!(facts, r);
  const id = `doc-${String(index + 1).padStart(4, '0')}`;
  const digital = join(dir, `${id}.pdf`);
  const pdf = await renderPdf(lines, r);
  await writeFile(digital, pdf);
  const scanFormat = index % 2 === 0 ? 'jpeg' : 'pdf';
  const scan = join(dir, `${id}-scan.${scanFormat === 'jpeg' ? 'jpg' : 'pdf'}`);
  await writeFile(scan, await scanOf(pdf, scanFormat, r));
  const fields: TruthFields = {
    patient_name: `${person.given} ${person.family}`,
    ...(facts.shows.dob ? { date_of_birth: person.date_of_birth } : {}),
    ...(facts.shows.nhs ? { nhs_number: person.nhs_number } : {}),
    ...(facts.shows.mrn ? { mrn: person.mrn } : {}),
    document_date: facts.date,
    author: `${facts.author.given} ${facts.author.family}`,
  };
  return { id, type, layout, person_id: person.person_id, fields, files: { digital, scan }, scan_format: scanFormat };
}

async function makePhoto(index: number, r: Random, dir: string): Promise<CorpusDocument> {
  const id = `photo-${String(index + 1).padStart(3, '0')}`;
  const scan = join(dir, `${id}.jpg`);
  await writeFile(scan, await photo(r));
  return { id, type: 'unknown', layout: 0, person_id: null, fields: {}, files: { scan }, scan_format: 'jpeg' };
}

/**
 * Each document filed once to its own patient and once to another: half of the others
 * chosen at random, half the hard cases — a namesake (same name, other birth date and
 * numbers) where there is one, else someone born the same day.
 */
function filePairs(documents: CorpusDocument[], people: Person[], r: Random): FiledPair[] {
  const pairs: FiledPair[] = [];
  for (const document of documents) {
    const own = people.find((person) => person.person_id === document.person_id);
    if (!own) continue;
    pairs.push({ document_id: document.id, filed_to: own, expected: 'match' });
    const namesakes = people.filter((p) => p !== own && p.given === own.given && p.family === own.family);
    const other = r.chance(0.5) && namesakes.length > 0 ? r.pick(namesakes) : r.pick(people.filter((p) => p !== own));
    pairs.push({ document_id: document.id, filed_to: other, expected: 'mismatch' });
  }
  return pairs;
}
