import { progressPercent, type Batch, type BatchFile } from '@batch-uploader/protocol';

/** The time every wire batch of the tests was created and last changed. */
export const CREATED_AT = '2026-01-01T00:00:00.000Z';
/** The time a finished wire batch of the tests finished. */
export const FINISHED_AT = '2026-01-01T00:01:00.000Z';

/**
 * A batch as the API sends it, holding `files`, with its counts and percent taken from
 * them: open, normal priority, no patient; `overrides` set any other field.
 * Runs in Node and in browsers.
 */
export function wireBatch(id: string, files: BatchFile[], overrides: Partial<Batch> = {}): Batch {
  const counts = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const file of files) counts[file.status] += 1;
  return {
    id,
    status: 'processing',
    total_files: files.length,
    progress: { ...counts, percent: progressPercent(counts) },
    priority: 'normal',
    patient_id: null,
    template_id: null,
    encounter_id: null,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    finished_at: null,
    accepting_files: true,
    files,
    ...overrides,
  };
}
