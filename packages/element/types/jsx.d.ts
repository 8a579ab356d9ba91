// Generated from custom-elements.json by scripts/integrations.ts (`npm run manifest`): do not edit.
// Declares the package's custom elements in React's JSX (`React.JSX.IntrinsicElements`), for
// React 19, which sets properties and listens to custom events itself. Include it once:
// `import type {} from '@batch-uploader/element/jsx';` (or "types" in tsconfig.json).
import type { HTMLAttributes, RefAttributes } from 'react';
import type { BatchCompleteDetail, BatchCreatedDetail, BatchErrorDetail, BatchFilesAddedDetail, BatchFilesRejectedDetail, BatchPausedDetail, BatchProgressDetail, BatchResumedDetail, BatchRetriedDetail, BatchUploader } from '../dist/index.js';

/** The props of `<batch-uploader>` in JSX: attributes as in HTML, properties, and `on<event>` listeners. */
export interface BatchUploaderJsxProps {
  /** Base URL of the batch API (where the server's router is mounted). */
  'endpoint'?: Exclude<BatchUploader['endpoint'], null>;
  /** Whether requests carry the browser's cookies: `include` for a server on another origin that authenticates by session cookie (it must allow this page's origin with credentials), `same-origin` or `omit`. */
  'credentials'?: Exclude<BatchUploader['credentials'], null>;
  /** Patient ID sent with the batch; fills the Patient ID field. Never stored by the element. */
  'patient-id'?: Exclude<BatchUploader['patientId'], null>;
  /** What the progress header calls the batch ("Referral letters, ward 3"), instead of the patient ID masked to its last 4 characters. Shown only: not sent to the server. */
  'batch-label'?: Exclude<BatchUploader['batchLabel'], null>;
  /** The Patient ID field: `hidden`, `optional` or `required`. */
  'patient-field'?: Exclude<BatchUploader['patientField'], null>;
  /** Template ID sent with the batch (the document template the host processes with). */
  'template-id'?: Exclude<BatchUploader['templateId'], null>;
  /** Encounter (visit) ID sent with the batch. */
  'encounter-id'?: Exclude<BatchUploader['encounterId'], null>;
  /** Most files in one batch, checked before the upload (the server checks again). The server's limit when unset. */
  'max-files'?: Exclude<BatchUploader['maxFiles'], null> | `${number}`;
  /** Largest file, in bytes or with a unit (`50MB`, `500KB`). The server's limit when unset. */
  'max-file-size'?: Exclude<BatchUploader['maxFileSize'], null> | `${number}`;
  /** Accepted types in the `<input accept>` syntax (`application/pdf,image/*`), within PDF, PNG, JPEG, TIFF and WebP. The server's when unset. */
  'accept'?: Exclude<BatchUploader['accept'], null>;
  /** The file picker's `capture`: `environment` (the back camera) or `user` (the front one) opens a phone's camera to photograph a document; other devices ignore it. Unset: the usual picker. */
  'capture'?: Exclude<BatchUploader['capture'], null>;
  /** Milliseconds between status polls when live events are not available. The SDK's 2000 when unset. */
  'poll-interval'?: Exclude<BatchUploader['pollInterval'], null> | `${number}`;
  /** Shows the workspace's recent batches. */
  'show-history'?: boolean;
  /** Level of the element's heading (1–6); its sections' headings are one below. */
  'heading-level'?: Exclude<BatchUploader['headingLevel'], null> | `${number}`;
  /** Extra headers sent with every request (not with an SDK `client` or `session` of the host's). */
  headers?: BatchUploader['headers'] | null;
  /** Returns the bearer token to send; called before every request, so it may refresh. */
  getAuthToken?: BatchUploader['getAuthToken'] | null;
  /** An SDK `BatchClient` made by host code, for the element's own session (instead of `endpoint`, `headers`, `getAuthToken`, `poll-interval`). */
  client?: BatchUploader['client'] | null;
  /** Texts to replace (i18n); the others stay English. See `BatchUploaderStrings`. */
  strings?: BatchUploader['strings'] | null;
  /** The SDK session the element renders. Set a `BatchSession` made by host code to share it (the element neither disposes nor suspends it); read it to reach the one the element made (e.g. `el.session.on('file-status', …)`). */
  session?: BatchUploader['session'] | null;
  /** Files were accepted. `detail: { files }` */
  'onbatch-files-added'?: (event: CustomEvent<BatchFilesAddedDetail>) => void;
  /** Files were refused when added, or left the list when the check of their content failed. `detail: { rejected }` (each with `code`, `message`) */
  'onbatch-files-rejected'?: (event: CustomEvent<BatchFilesRejectedDetail>) => void;
  /** The server accepted the upload. `detail: { batchId, totalFiles }` */
  'onbatch-created'?: (event: CustomEvent<BatchCreatedDetail>) => void;
  /** Upload or processing moved on. `detail: { batchId, phase, percent, counts }` */
  'onbatch-progress'?: (event: CustomEvent<BatchProgressDetail>) => void;
  /** The batch was paused (here or elsewhere): files not started wait. `detail: { batchId }` */
  'onbatch-paused'?: (event: CustomEvent<BatchPausedDetail>) => void;
  /** The paused batch runs again. `detail: { batchId }` */
  'onbatch-resumed'?: (event: CustomEvent<BatchResumedDetail>) => void;
  /** The server put the failed files back in the queue; the batch runs again. `detail: { batchId, retried, notRetryable }` */
  'onbatch-retried'?: (event: CustomEvent<BatchRetriedDetail>) => void;
  /** The batch finished. `detail: { batchId, status, outcome, counts, notSent, summary }`: `outcome` is `succeeded`, `partial`, `failed` or `cancelled`; `notSent` counts the files refused before sending (not in `counts`); `summary` is the `strings.summary` of both (may repeat after a reload; de-duplicate by `batchId`) */
  'onbatch-complete'?: (event: CustomEvent<BatchCompleteDetail>) => void;
  /** The upload failed, live updates stopped, or the batch kept from before a reload is gone. `detail: { code, message, error }`: branch on `code`; `message` is `strings.error(code, …)` */
  'onbatch-error'?: (event: CustomEvent<BatchErrorDetail>) => void;
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      /** Upload up to 50 medical documents at once and follow each one through server-side processing, live. Renders a `BatchSession` of `@batch-uploader/sdk`; talks to the server only through it. */
      'batch-uploader': HTMLAttributes<BatchUploader> & RefAttributes<BatchUploader> & BatchUploaderJsxProps;
    }
  }
}
