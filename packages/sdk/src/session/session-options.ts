import type { BatchPriority, Limits } from '@batch-uploader/protocol';
import type { BatchClient } from '../client/batch-client.js';
import type { BatchClientOptions } from '../client/client-options.js';
import type { UploadFields } from '../client/request-options.js';
import type { ResumeOptions } from './remembered-batch.js';

/** Options of `BatchSession`. */
export interface BatchSessionOptions {
  /** The client to talk through, or the options to create one. */
  client: BatchClient | BatchClientOptions;
  /** Limits to check files against; asked from the server (`GET /limits`) when omitted. */
  limits?: Limits;
  /** Text fields sent with every upload of this session (a `start(fields)` call overrides them). */
  fields?: UploadFields;
  /**
   * Queue priority of the batches this session uploads; `fields.priority` (or a
   * `start(fields)` that names one) wins. @default 'normal' (server side)
   */
  priority?: BatchPriority;
  /**
   * Also refuse a file whose content equals a file already added (SHA-256), e.g. the
   * same scan saved twice under two names. Only files of equal size are read and hashed.
   * Needs SubtleCrypto: browsers offer it on https and localhost only; elsewhere the
   * check by name, size and modification time stands alone. @default false
   */
  detectDuplicateContent?: boolean;
  /** Least milliseconds between two upload-progress updates of the state. @default 100 */
  progressIntervalMs?: number;
  /**
   * Survive a page reload: the batch id (only) is kept in `sessionStorage` under `key` while
   * the session's batch runs (until it finished or was cancelled), and `restore()` follows
   * it again; an upload that the reload cut short shows as `state.interrupted`.
   * @example { key: 'batch-uploader:/api/gp' }
   */
  resume?: ResumeOptions;
}
