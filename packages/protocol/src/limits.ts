/** MIME types accepted by default, decided from the file's bytes. */
export const ACCEPTED_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'image/webp'] as const;

/** One of the accepted document types. */
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

/** Limits a server enforces on one upload request. */
export interface Limits {
  /** Most files in one batch. @default 50 */
  max_files: number;
  /** Largest accepted file, in bytes. @default 52428800 (50 MB) */
  max_file_size: number;
  /** MIME types accepted, decided from content. */
  accepted_types: readonly string[];
}

/** The limits used when nothing else is configured. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  max_files: 50,
  max_file_size: 50 * 1024 * 1024,
  accepted_types: ACCEPTED_TYPES,
});

/** Longest accepted `patient_id`, `template_id` or `encounter_id`. */
export const MAX_FIELD_LENGTH = 128;

/** Characters allowed in `patient_id`, `template_id` and `encounter_id`. */
export const FIELD_PATTERN = /^[A-Za-z0-9._:\-]+$/;

/** Page size of batch history when the caller names none, and the largest allowed. */
export const HISTORY_PAGE = Object.freeze({ default: 20, max: 100 });
