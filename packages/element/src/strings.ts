import type { FileErrorCode } from '@batch-uploader/protocol';
import type { BatchOutcome, BatchSummary, RejectionCode, SessionFileStatus } from '@batch-uploader/sdk';

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
  /** §5 Shown (and announced once) while the server cannot be reached during a batch. */
  reconnecting: string;
  /** Under it: what goes on meanwhile. */
  reconnectingDetail: string;
  /** Tries the server at once. */
  reconnectNow: string;
  /** Announced once the server answers again. */
  reconnected: string;
  /** §6 Shown (and announced) after a reload cut an upload short: `missing` of `expected` files were not sent. */
  interrupted: (missing: number, expected: number) => string;
  /** Under it: how to send them. */
  interruptedDetail: string;
  /** Opens the file picker for the missing files. */
  addMissing: (missing: number) => string;
  /** Lets the batch finish with the files it has. */
  finishWithout: string;
  /** Shown while the missing files are sent. */
  sendingMissing: string;
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
  /** Announced at upload milestones. */
  uploading: (percent: number) => string;
  /** Progress bar value text once the batch finished. */
  processed: (finished: number, total: number) => string;
  /** Accessible name of the status cards. */
  statusCards: string;
  /** Name of each file status (shown next to its icon, never colour alone); `checking` while the session decides on a just-added file. */
  status: Record<SessionFileStatus, string>;
  /** Status word of a file whose upload takes up again after its connection was cut (resumable uploads). */
  resumingFile: string;
  /** A completed file's status word while it waits for review, and once staff rejected it (not filed to this patient). */
  reviewState: { awaiting: string; rejected: string };
  /** A batch paused on the server (next to the progress bar, and in the history). */
  paused: string;
  /** A refusal, by code: "scan.tiff is larger than 50 MB". */
  rejection: Record<RejectionCode, (params: RejectionParams) => string>;
  /** How many files were over the batch limit, the first few by name: "(3 files not added: a.pdf, b.pdf and 1 more)". */
  notAdded: (files: number, names: readonly string[], more: number) => string;
  /** Refusals not listed one by one. */
  moreRejected: (files: number) => string;
  /**
   * The closing line, e.g. "47 succeeded, 3 failed, 2 not sent"; also the `summary` of `batch-complete`. `notSent`: files refused before sending;
   * `needsReview`: files waiting for staff to confirm or reject them; `rejectedAtReview`: files staff rejected (not filed to this patient).
   */
  summary: (counts: { completed: number; failed: number; cancelled: number; notSent?: number; needsReview?: number; rejectedAtReview?: number }) => string;
  /** The outcome heading, the completion notice and the start of the final announcement: `outcome` is one of `strings.outcome`. */
  finished: (summary: string, outcome: string) => string;
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
  /** One line of history: the date, the counts, files waiting for review and documents rejected at review (not filed to the batch's patient). */
  historyItem: (batch: BatchSummary, date: string) => string;

  // §8 Context and history.
  /** The batch's patient, masked: `end` is the last characters of its ID ("Patient ••••1234"); shown, hidden from screen readers. */
  patientMasked: (end: string) => string;
  /** The same for screen readers ("Patient ID ending 1234"). */
  patientSpoken: (end: string) => string;
  /** A batch sent without a patient ID (history). */
  noPatient: string;
  /** Heading of an opened batch of the history: its date and time. */
  historyBatch: (date: string) => string;
  /** Goes from an opened batch back to the list of recent batches. */
  historyBack: string;
  /** While an opened batch loads. */
  loading: string;

  // §9 Adding files the way staff do.
  /** A processed document's page count, after its size. */
  pages: (pages: number) => string;

  // §1 Outcome first.
  /** How a finished batch went, in words (with an icon and a colour, never colour alone): the summary heading, the notice, history entries. */
  outcome: Record<BatchOutcome, string>;
  /** Heading of the group of files that failed or were not sent. */
  attention: (files: number) => string;
  /** Heading of the failed files in that group. */
  attentionFailed: (files: number) => string;
  /** Heading of the files held for review in that group (first: a document naming another patient). */
  attentionReview: (files: number) => string;
  /** What to do about a file held for review. */
  adviceReview: string;
  /** The buttons of a file held for review, and their accessible names with the file's name. */
  reviewConfirm: string;
  reviewReject: string;
  reviewConfirmLabel: (name: string) => string;
  reviewRejectLabel: (name: string) => string;
  /** Announced once a review decision was recorded. */
  reviewed: (name: string, decision: 'confirmed' | 'rejected') => string;
  /** Announced at the end: the files held for review, the first few by name. */
  reviewFiles: (names: readonly string[], more: number) => string;
  /** Heading of the files refused before sending in that group. */
  notSent: (files: number) => string;
  /** Why a file was not sent, after its name, by refusal code. */
  notSentReason: Record<RejectionCode, (params: RejectionParams) => string>;
  /** What to do about a file that failed or was not sent, by code (the protocol's `FILE_ERRORS` and the refusal codes). */
  advice: Partial<Record<FileErrorCode | RejectionCode, string>>;
  /** What to do about a failed file another try may fix. */
  adviceRetry: string;
  /** What to do about a failure with a code `advice` does not know. */
  adviceOther: string;
  /** Shows more of a long list of files that need attention. */
  attentionMore: (files: number) => string;

  // §3 What a screen reader hears.
  /** The element's heading (its level: the `heading-level` attribute). */
  heading: string;
  /** Announced when files were removed before the upload. */
  removedFiles: (files: number, name: string) => string;
  /** Announced at the end: the failed files, the first few by name. */
  failedFiles: (names: readonly string[], more: number) => string;
  /** Announced at the end: the files refused before sending, the first few by name. */
  notSentFiles: (names: readonly string[], more: number) => string;

  // §7 One coherent progress story.
  /** Name of the two steps of a batch (next to the progress bar): `uploading` then `uploaded` once sent (`interrupted` while files a reload cut off are still to send), and `processing`. */
  steps: { uploading: string; uploaded: string; processing: string; interrupted: string };
  /** Accessible name of the list of steps. */
  stepsLabel: string;
  /** Progress bar value text while uploading. */
  sending: (sent: number, total: number, percent: number) => string;
  /** Progress bar value text while processing. */
  processing: (finished: number, total: number) => string;
  /** The shares the progress bar shows, for its value text. */
  shares: (counts: { completed: number; failed: number; cancelled: number }) => string;
}

/** The records of {@link BatchUploaderStrings} that overrides replace key by key. */
type Records = 'status' | 'rejection' | 'outcome' | 'notSentReason' | 'advice' | 'steps';

/** Texts to replace: any of {@link BatchUploaderStrings}; `status`, `rejection`, `outcome`, `notSentReason`, `advice` and `steps` key by key. */
export type BatchUploaderStringOverrides = Partial<Omit<BatchUploaderStrings, Records>> & { [K in Records]?: Partial<BatchUploaderStrings[K]> };

const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;
const documents = (n: number) => `${n} ${n === 1 ? 'document' : 'documents'}`;
const listed = (names: readonly string[], more: number) => `${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
const newBatch = 'then add it in a new batch.';

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
  reconnecting: 'Reconnecting…',
  resumingFile: 'Resuming…',
  reviewState: { awaiting: 'To review', rejected: 'Rejected: not filed' },
  reconnectingDetail: 'The server cannot be reached. Your batch goes on there; this page keeps trying and shows it again as soon as it answers.',
  reconnectNow: 'Reconnect now',
  reconnected: 'Connection restored.',
  interrupted: (missing, expected) => `Upload interrupted: ${missing} of ${files(expected)} ${missing === 1 ? 'was' : 'were'} not sent.`,
  interruptedDetail: 'The page was left or reloaded while sending. Pick the files again to send the missing ones; files already sent are left out.',
  addMissing: (missing) => `Add the missing ${missing === 1 ? 'file' : 'files'}`,
  finishWithout: 'Finish without them',
  sendingMissing: 'Sending the missing files…',
  retryFailed: (n) => `Retry failed (${files(n)})`,
  retrying: (n) => `Trying ${files(n)} again.`,
  reset: 'Upload another batch',
  dismiss: 'Dismiss',
  close: 'Close',
  progress: 'Batch progress',
  uploading: (percent) => `Uploading: ${percent}%.`,
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
  notAdded: (n, names, more) => `(${files(n)} not added${names.length > 0 ? `: ${listed(names, more)}` : ''})`,
  moreRejected: (n) => `and ${n} more not added`,
  summary: ({ completed, failed, cancelled, notSent, needsReview, rejectedAtReview }) =>
    `${completed} succeeded, ${failed} failed${cancelled ? `, ${cancelled} cancelled` : ''}${notSent ? `, ${notSent} not sent` : ''}${needsReview ? `, ${needsReview} to review` : ''}${
      rejectedAtReview ? `, ${documents(rejectedAtReview)} rejected: not filed to this patient` : ''
    }`,
  finished: (summary, outcome) => `${outcome}: ${summary}`,
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
  historyItem: (batch, date) => {
    const { needs_review: toReview = 0, rejected_at_review: rejected = 0 } = batch.progress;
    // An upload cut short (a reload): the files its batch still waits for.
    const missing = batch.accepting_files && batch.expected_files ? Math.max(0, batch.expected_files - batch.total_files) : 0;
    return `${date}: ${files(batch.total_files)}, ${batch.progress.completed} succeeded, ${batch.progress.failed} failed${toReview ? `, ${toReview} to review` : ''}${rejected ? `, ${documents(rejected)} rejected` : ''}${missing ? `, ${missing} not sent yet` : ''}`;
  },
  patientMasked: (end) => `Patient ••••${end}`,
  patientSpoken: (end) => `Patient ID ending ${end}`,
  noPatient: 'No patient ID',
  historyBatch: (date) => `Batch of ${date}`,
  historyBack: 'Back to recent batches',
  loading: 'Loading…',
  pages: (n) => (n === 1 ? '1 page' : `${n} pages`),

  // §1 Outcome first.
  outcome: { succeeded: 'All files succeeded', partial: 'Some files need attention', failed: 'All files failed', cancelled: 'Batch cancelled' },
  attention: (n) => `Needs attention (${n})`,
  attentionFailed: (n) => `${files(n)} failed`,
  attentionReview: (n) => `${files(n)} to review: ${n === 1 ? 'it names' : 'they name'} another patient`,
  adviceReview: 'Open the document. Confirm if it belongs to this patient; reject it so it is not filed here.',
  reviewConfirm: 'Confirm',
  reviewReject: 'Reject',
  reviewConfirmLabel: (name) => `Confirm ${name} belongs to this patient`,
  reviewRejectLabel: (name) => `Reject ${name}: do not file it to this patient`,
  reviewed: (name, decision) => (decision === 'confirmed' ? `${name} confirmed for this patient.` : `${name} rejected: it will not be filed to this patient.`),
  reviewFiles: (names, more) => `To review, another patient named: ${listed(names, more)}.`,
  notSent: (n) => `${files(n)} ${n === 1 ? 'was' : 'were'} not sent`,
  notSentReason: {
    FILE_TOO_LARGE: ({ maxSizeMb }) => `larger than ${maxSizeMb} MB`,
    TOO_MANY_FILES: ({ maxFiles }) => `over the ${maxFiles} files a batch can hold`,
    DUPLICATE_FILE: () => 'added twice',
    UNSUPPORTED_TYPE: () => 'not a PDF or an image',
    EMPTY_FILE: () => 'empty',
  },
  advice: {
    UNSUPPORTED_TYPE: `Save it as a PDF or an image (PNG, JPEG, TIFF, WebP), ${newBatch}`,
    CORRUPT_FILE: `Scan or export it again, ${newBatch}`,
    EMPTY_DOCUMENT: `Export it again with its pages, ${newBatch}`,
    ENCRYPTED_DOCUMENT: `Save a copy without a password, ${newBatch}`,
    TOO_COMPLEX: 'Split it, or scan it at a lower resolution, then add the parts in a new batch.',
    FILE_MISSING: 'Add it again in a new batch.',
    CANCELLED: 'Add it again in a new batch.',
    REJECTED_BY_PROCESSOR: 'Check it is the right document; if it is, ask your administrator.',
    RESULT_TOO_LARGE: 'Ask your administrator: the document may be fine, its result is too large to keep.',
    FILE_TOO_LARGE: `Make it smaller (split it, or scan at a lower resolution), ${newBatch}`,
    TOO_MANY_FILES: 'Send it in another batch.',
    DUPLICATE_FILE: 'Nothing to do: it is in the batch once.',
    EMPTY_FILE: `Save or scan it again, ${newBatch}`,
  },
  adviceRetry: 'Another try may work: choose Retry failed.',
  adviceOther: 'Add it again in a new batch; if it fails again, ask your administrator.',
  attentionMore: (n) => `Show ${n} more`,

  // §3 What a screen reader hears.
  heading: 'Upload documents',
  removedFiles: (n, name) => (n === 1 ? `${name} removed.` : `${files(n)} removed.`),
  failedFiles: (names, more) => `Failed: ${listed(names, more)}.`,
  notSentFiles: (names, more) => `Not sent: ${listed(names, more)}.`,

  // §7 One coherent progress story.
  steps: { uploading: 'Uploading', uploaded: 'Uploaded', processing: 'Processing', interrupted: 'Upload interrupted' },
  stepsLabel: 'Steps',
  sending: (sent, total, percent) => `Uploading: ${sent} of ${files(total)} sent (${percent}%)`,
  processing: (finished, total) => `Processing: ${finished} of ${files(total)} done`,
  shares: ({ completed, failed, cancelled }) => `${completed} completed, ${failed} failed${cancelled ? `, ${cancelled} cancelled` : ''}`,
} satisfies BatchUploaderStrings);

/** The defaults with `overrides` on top (`status`, `rejection`, `outcome`, `notSentReason`, `advice` and `steps` merged key by key). */
export function resolveStrings(overrides: BatchUploaderStringOverrides | null | undefined): BatchUploaderStrings {
  if (!overrides) return DEFAULT_STRINGS;
  const d = DEFAULT_STRINGS;
  const o = overrides;
  return {
    ...d,
    ...o,
    status: { ...d.status, ...o.status },
    rejection: { ...d.rejection, ...o.rejection },
    outcome: { ...d.outcome, ...o.outcome },
    notSentReason: { ...d.notSentReason, ...o.notSentReason },
    advice: { ...d.advice, ...o.advice },
    steps: { ...d.steps, ...o.steps },
  };
}
