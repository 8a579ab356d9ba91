import type { BatchSummary, RejectionCode, SessionFileStatus } from '@batch-uploader/sdk';

/** What a refusal message may name. */
export interface RejectionParams {
  /** The refused file's name. */
  name: string;
  /** Most files in one batch. */
  maxFiles: number;
  /** Largest file, in MB (up to two decimals). */
  maxSizeMb: number;
}

/**
 * Every text the element shows or announces. Set the element's `strings` property to
 * an object with the ones to replace (a translation); the rest stay English.
 */
export interface BatchUploaderStrings {
  /** Main text of the drop zone button. */
  dropZone: string;
  /** Drop zone text while files are dragged over it. */
  dropZoneActive: string;
  /** The limits, under the drop zone text. */
  dropZoneHint: (maxFiles: number, maxSizeMb: number) => string;
  /** Opens the folder picker. */
  chooseFolder: string;
  /** Shown while added files are taken in (before the server's limits are known, or while files that declare no type are read). */
  checking: (files: number) => string;
  /** Label of the Patient ID field. */
  patientId: string;
  /** Added to the label when the field is optional. */
  optional: string;
  /** Shown when a required Patient ID is missing. */
  patientIdMissing: string;
  /** Shown when the Patient ID has characters the server refuses. */
  patientIdInvalid: string;
  /** Accessible name of the file list. */
  fileList: string;
  /** Accessible name of a file's remove button. */
  remove: (name: string) => string;
  /** Accessible name of a file's upload progress. */
  fileProgress: (name: string) => string;
  /** Removes every file. */
  clear: string;
  /** The start button, naming the count. */
  start: (files: number) => string;
  cancel: string;
  /** Pauses the running batch on the server. */
  pause: string;
  /** Lets the paused batch run again. */
  resume: string;
  /** Announced when the batch was paused. */
  pausedNotice: string;
  /** Announced when the batch runs again. */
  resumedNotice: string;
  /** Tries the failed files again (on the server, in the same batch). */
  retryFailed: (files: number) => string;
  /** Announced when the server took the failed files back. */
  retrying: (files: number) => string;
  /** Starts over after a batch. */
  reset: string;
  /** Hides the refusal messages. */
  dismiss: string;
  /** Closes the completion notice. */
  close: string;
  /** Accessible name of the overall progress bar. */
  progress: string;
  /** Progress bar value text while uploading. */
  uploading: (percent: number) => string;
  /** Progress bar value text while processing and after. */
  processed: (finished: number, total: number) => string;
  /** Accessible name of the status cards. */
  statusCards: string;
  /** Name of each file status (shown next to its icon, never colour alone); `checking` while the session decides on a just-added file. */
  status: Record<SessionFileStatus, string>;
  /** A batch paused on the server (next to the progress bar, and in the history). */
  paused: string;
  /** A refusal, by code: "scan.tiff is larger than 50 MB". */
  rejection: Record<RejectionCode, (params: RejectionParams) => string>;
  /** How many files a refusal stood for: "(3 files not added)". */
  notAdded: (files: number) => string;
  /** Refusals not listed one by one. */
  moreRejected: (files: number) => string;
  /** The closing line, e.g. "47 succeeded, 3 failed"; also the `summary` of `batch-complete`. */
  summary: (counts: { completed: number; failed: number; cancelled: number }) => string;
  /** The completion notice and announcement. */
  finished: (summary: string) => string;
  /** Announced after files were offered. */
  added: (added: number, refused: number) => string;
  /** Announced when listed files left the list because their content is not an accepted type (it is checked after they are listed). */
  removedAfterCheck: (files: number) => string;
  /** Announced when the upload is done and processing begins. */
  uploaded: (files: number) => string;
  /** Announced at processing milestones. */
  milestone: (finished: number, total: number) => string;
  /** An error of the upload or of live updates, by its stable code; also the `message` of `batch-error`. */
  error: (code: string, message: string) => string;
  /** A file's failure as the server said it, by its stable code. */
  fileError: (code: string, message: string) => string;
  /** Title of the history panel. */
  history: string;
  /** Shown when there is no batch yet. */
  historyEmpty: string;
  /** Reloads the history. */
  refresh: string;
  /** Loads older batches into the history. */
  historyMore: string;
  /** One line of history. */
  historyItem: (batch: BatchSummary, date: string) => string;
}

/** Texts to replace: any of {@link BatchUploaderStrings}; `status` and `rejection` key by key. */
export type BatchUploaderStringOverrides = Partial<Omit<BatchUploaderStrings, 'status' | 'rejection'>> & {
  status?: Partial<BatchUploaderStrings['status']>;
  rejection?: Partial<BatchUploaderStrings['rejection']>;
};

const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;

/** The English texts. */
export const DEFAULT_STRINGS: Readonly<BatchUploaderStrings> = Object.freeze({
  dropZone: 'Drop documents here or choose files',
  dropZoneActive: 'Release to add the files',
  dropZoneHint: (maxFiles, maxSizeMb) => `PDF or images, up to ${maxFiles} files, ${maxSizeMb} MB each`,
  chooseFolder: 'Choose a folder',
  checking: (n) => `Checking ${files(n)}…`,
  patientId: 'Patient ID',
  optional: '(optional)',
  patientIdMissing: 'Enter the patient ID.',
  patientIdInvalid: 'Use only letters, digits and . _ : - (at most 128).',
  fileList: 'Files',
  remove: (name) => `Remove ${name}`,
  fileProgress: (name) => `Uploading ${name}`,
  clear: 'Clear all',
  start: (n) => `Start Batch Upload (${files(n)})`,
  cancel: 'Cancel',
  pause: 'Pause',
  resume: 'Resume',
  pausedNotice: 'Batch paused. Files not yet started wait.',
  resumedNotice: 'Batch resumed.',
  retryFailed: (n) => `Retry failed (${files(n)})`,
  retrying: (n) => `Trying ${files(n)} again.`,
  reset: 'Upload another batch',
  dismiss: 'Dismiss',
  close: 'Close',
  progress: 'Batch progress',
  uploading: (percent) => `Uploading: ${percent}%`,
  processed: (finished, total) => `${finished} of ${files(total)} done`,
  statusCards: 'Files by status',
  status: {
    checking: 'Checking',
    queued: 'Ready',
    uploading: 'Uploading',
    pending: 'Pending',
    processing: 'Processing',
    completed: 'Completed',
    failed: 'Failed',
    cancelled: 'Cancelled',
  },
  paused: 'Paused',
  rejection: {
    FILE_TOO_LARGE: ({ name, maxSizeMb }) => `${name} is larger than ${maxSizeMb} MB`,
    TOO_MANY_FILES: ({ maxFiles }) => `only ${maxFiles} files can be sent at once`,
    DUPLICATE_FILE: ({ name }) => `${name} is already added`,
    UNSUPPORTED_TYPE: ({ name }) => `${name} is not a PDF or an image`,
    EMPTY_FILE: ({ name }) => `${name} is empty`,
  },
  notAdded: (n) => `(${files(n)} not added)`,
  moreRejected: (n) => `and ${n} more not added`,
  summary: ({ completed, failed, cancelled }) => `${completed} succeeded, ${failed} failed${cancelled ? `, ${cancelled} cancelled` : ''}`,
  finished: (summary) => `Batch finished: ${summary}`,
  added: (added, refused) => `${files(added)} added${refused ? `, ${refused} not added` : ''}.`,
  removedAfterCheck: (n) => `${files(n)} removed from the list: not a PDF or an image.`,
  uploaded: (n) => `Upload complete. Processing ${files(n)}.`,
  milestone: (finished, total) => `${finished} of ${files(total)} processed.`,
  error: (_code, message) => message,
  fileError: (_code, message) => message,
  history: 'Recent batches',
  historyEmpty: 'No batches yet.',
  refresh: 'Refresh',
  historyMore: 'Show more',
  historyItem: (batch, date) => `${date}: ${files(batch.total_files)}, ${batch.progress.completed} succeeded, ${batch.progress.failed} failed`,
} satisfies BatchUploaderStrings);

/** The defaults with `overrides` on top (`status` and `rejection` merged key by key). */
export function resolveStrings(overrides: BatchUploaderStringOverrides | null | undefined): BatchUploaderStrings {
  if (!overrides) return DEFAULT_STRINGS;
  return {
    ...DEFAULT_STRINGS,
    ...overrides,
    status: { ...DEFAULT_STRINGS.status, ...overrides.status },
    rejection: { ...DEFAULT_STRINGS.rejection, ...overrides.rejection },
  };
}
