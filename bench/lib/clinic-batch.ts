import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acceptedBatchId } from './batch-api.js';
import { gradientPng, reportPdf } from './documents.js';
import { uploadFiles, type UploadFile } from './upload-client.js';

/**
 * Uploads a clinic-like batch of `count` files to a running server (written to `dir`
 * first): lab-report PDFs of one to three pages (their text ends up in each file's
 * result) and every fifth file a small PNG photo. Resolves with the batch id.
 */
export async function uploadClinicBatch(dir: string, api: string, count: number): Promise<string> {
  const files: UploadFile[] = [];
  for (let i = 0; i < count; i++) {
    const image = i % 5 === 4;
    const name = `document-${i + 1}.${image ? 'png' : 'pdf'}`;
    const path = join(dir, name);
    await writeFile(path, image ? gradientPng(160 + i, 120) : reportPdf(labReport(i)));
    files.push({ path, name, type: image ? 'image/png' : 'application/pdf' });
  }
  const answer = await uploadFiles(`${api}/batch-upload`, files, 60_000);
  return acceptedBatchId(answer.status, answer.body);
}

function labReport(seed: number): string[][] {
  const tests = ['Glucose fasting', 'Cholesterol total', 'HDL cholesterol', 'LDL cholesterol', 'Triglycerides', 'Haemoglobin', 'Creatinine', 'eGFR'];
  const pages = 1 + (seed % 3);
  return Array.from({ length: pages }, (_, page) => [
    `Laboratory report ${1000 + seed}, page ${page + 1} of ${pages}`,
    ...tests.map((test, t) => `${test}: ${((seed + 3) * (t + 1) * (page + 2)) % 97}.${t} (reference range noted)`),
  ]);
}
