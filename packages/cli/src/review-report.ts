import type { Batch } from '@batch-uploader/protocol';

/** A file the server held for review, or that staff rejected there, as the CLI reports it. */
export interface ReviewedFile {
  /** The path as given on the command line (the server's own data about the file is never printed). */
  path: string;
  batch_id: string;
  file_id: string;
  /** Why it was held: a reason code such as `PATIENT_MISMATCH`. */
  code: string;
}

/** The files of a run that need a person: held for review, and rejected at review. */
export interface ReviewReport {
  /** Completed files waiting for staff to confirm or reject them (`needs_review`). */
  held: ReviewedFile[];
  /** Completed files staff rejected (`review.decision` `rejected`): not filed to this patient. */
  rejected: ReviewedFile[];
}

/** The files held for review and the ones rejected at review, named by the paths sent (`pathsOf`, per batch). */
export function reviewReport(batches: readonly Batch[], pathsOf: ReadonlyMap<string, readonly string[]>): ReviewReport {
  const report: ReviewReport = { held: [], rejected: [] };
  for (const batch of batches) {
    const paths = pathsOf.get(batch.id) ?? [];
    for (const [index, file] of batch.files.entries()) {
      if (!file.review) continue;
      const entry = { path: paths[index] ?? file.filename, batch_id: batch.id, file_id: file.file_id, code: file.review.reason.code };
      if (file.needs_review === true) report.held.push(entry);
      else if (file.review.decision === 'rejected') report.rejected.push(entry);
    }
  }
  return report;
}

/**
 * The end report's lines about them. Only the local paths and the reason codes: the
 * terminal may be logged, and the server's details (which fields differ) are for the
 * clinic screen.
 */
export function reviewLines(report: ReviewReport): string[] {
  const lines: string[] = [];
  const listed = (files: readonly ReviewedFile[]) => files.map((file) => `  ${file.path} (${file.code})`);
  if (report.held.length > 0) {
    const n = report.held.length;
    lines.push(`${n} ${n === 1 ? 'document' : 'documents'} held for review (it may name another patient): confirm or reject in the clinic screen:`);
    lines.push(...listed(report.held));
  }
  if (report.rejected.length > 0) {
    const n = report.rejected.length;
    lines.push(`${n} ${n === 1 ? 'document' : 'documents'} rejected at review: not filed to this patient:`);
    lines.push(...listed(report.rejected));
  }
  return lines;
}
