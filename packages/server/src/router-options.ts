import type { IncomingMessage } from 'node:http';
import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import type { BatchEngine } from './engine/batch-engine.js';
import { resolveCors, type CorsOptions, type ResolvedCors } from './http/cors-options.js';
import type { UploadRateLimit } from './http/upload-rate-limit-options.js';
import { resolveResumable, type ResolvedResumable, type ResumableOptions } from './http/resumable-options.js';
import { silentLogger, type Logger } from './logger.js';

/** Who is calling: every read and write is scoped to this workspace. */
export interface Caller {
  workspace_id: string;
  /**
   * Who is acting, as the host knows them (a user or token id; never patient data):
   * recorded with review decisions. Absent: `workspace:<workspace_id>` is recorded.
   */
  user_id?: string;
}

/**
 * The request {@link Authenticate} receives: Express's own request (Express 4 or 5),
 * described here by what a hook needs, so that the published types need no
 * `@types/express`. What other middleware adds (`req.session`, `req.user`) is there at
 * run time: type the hook's parameter as your Express `Request` to read it.
 */
export interface AuthenticateRequest extends IncomingMessage {
  /** A request header by name, case-insensitive (`req.get('authorization')`). */
  get(name: string): string | undefined;
}

/**
 * The host application's authentication: return the caller, or null to answer 401.
 * Receives one state object so that fields can be added later without breaking hooks.
 */
export type Authenticate<Req extends AuthenticateRequest = AuthenticateRequest> = (state: { req: Req }) => Caller | null | Promise<Caller | null>;

/**
 * Options of {@link createBatchRouter}. `Req` is the request type `authenticate` is
 * written for, e.g. Express's `Request` with your session's fields.
 */
export interface BatchRouterOptions<Req extends AuthenticateRequest = AuthenticateRequest> {
  /** The processing engine; its store and blob store keep what is uploaded. */
  engine: BatchEngine;
  /** Who is calling. @example ({ req }) => tokens.get(req.get('authorization') ?? '') ?? null */
  authenticate: Authenticate<Req>;
  /** Private folder where uploads wait while they stream in. Never served. */
  uploadDir: string;
  /** Per-request limits. @default DEFAULT_LIMITS (50 files, 50 MB each, PDF and images) */
  limits?: Partial<Limits>;
  /** Live events: heartbeat and store-polling periods. @default { heartbeatMs: 15000, pollMs: 2000 } */
  events?: { heartbeatMs?: number; pollMs?: number };
  /**
   * Uploads per workspace: at most `limit` requests that queue files (new batches,
   * appended files, and retries of failed files, counted together) per `windowMs`; more
   * answer 429 RATE_LIMITED with Retry-After. null: no limit.
   * @default null
   * @example { limit: 60, windowMs: 60_000 }
   */
  uploadRateLimit?: UploadRateLimit | null;
  /** Where the router logs (ids and counts only). @default silent */
  logger?: Logger;
  /**
   * Pages on other origins that may call the API from a browser: their exact origins,
   * and whether they may send cookies. null: no cross-origin grants (pages on the
   * API's own origin, or behind the same proxy, need none).
   * @default null
   * @example { origins: ['https://portal.clinic.example'], credentials: true }
   */
  cors?: CorsOptions | null;
  /**
   * Refuse requests that change something (uploads, cancels, retries…) coming from a
   * page that is neither on the API's origin nor listed in `cors.origins`: 403
   * `FORBIDDEN_ORIGIN`. Needed when `authenticate` accepts cookies, which a browser
   * sends whatever page made the request (cross-site request forgery).
   * @default true with `cors.credentials`, else false
   * @example true // same-origin pages, session cookies, no CORS
   */
  checkOrigin?: boolean;
  /**
   * Resumable uploads (tus 1.0) at `{base}/uploads`, for batches made with
   * `POST /batches`: a private folder where unfinished uploads wait, how long they are
   * kept, and the part size clients are advised to send. null: no resumable route.
   * @default null
   * @example { dir: '/var/lib/batch-uploader/resumable' }
   */
  resumable?: ResumableOptions | null;
}

/** Options with defaults filled in. */
export interface ResolvedRouterOptions {
  engine: BatchEngine;
  authenticate: Authenticate;
  uploadDir: string;
  limits: Limits;
  events: { heartbeatMs: number; pollMs: number };
  uploadRateLimit: UploadRateLimit | null;
  logger: Logger;
  cors: ResolvedCors | null;
  checkOrigin: boolean;
  resumable: ResolvedResumable | null;
}

/** Fills defaults and rejects options that cannot work, naming the option. */
export function resolveRouterOptions<Req extends AuthenticateRequest>(options: BatchRouterOptions<Req>): ResolvedRouterOptions {
  if (!options.engine) throw new TypeError('createBatchRouter: the "engine" option is required.');
  if (typeof options.authenticate !== 'function') {
    throw new TypeError('createBatchRouter: "authenticate" must be a function returning the caller or null.');
  }
  if (!options.uploadDir) throw new TypeError('createBatchRouter: the "uploadDir" option is required.');
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (!Number.isInteger(limits.max_files) || limits.max_files < 1) {
    throw new RangeError('createBatchRouter: "limits.max_files" must be a whole number of at least 1.');
  }
  if (!Number.isFinite(limits.max_file_size) || limits.max_file_size < 1) {
    throw new RangeError('createBatchRouter: "limits.max_file_size" must be a positive number of bytes.');
  }
  if (limits.accepted_types.length === 0) throw new RangeError('createBatchRouter: "limits.accepted_types" cannot be empty.');
  const rate = options.uploadRateLimit ?? null;
  if (rate && (!Number.isInteger(rate.limit) || rate.limit < 1)) {
    throw new RangeError('createBatchRouter: "uploadRateLimit.limit" must be a whole number of at least 1 (pass null for no limit).');
  }
  if (rate?.windowMs !== undefined && (!Number.isFinite(rate.windowMs) || rate.windowMs < 1_000)) {
    throw new RangeError('createBatchRouter: "uploadRateLimit.windowMs" must be at least 1000 ms.');
  }
  const cors = options.cors ? resolveCors(options.cors) : null;
  if (cors?.credentials && options.checkOrigin === false) {
    throw new RangeError('createBatchRouter: "checkOrigin" cannot be false with "cors.credentials": cookies sent from other sites would be trusted.');
  }
  return {
    engine: options.engine,
    // Express hands the router its own request, which is the Req the host typed.
    authenticate: options.authenticate as unknown as Authenticate,
    uploadDir: options.uploadDir,
    limits,
    events: { heartbeatMs: 15_000, pollMs: 2_000, ...options.events },
    uploadRateLimit: rate,
    logger: options.logger ?? silentLogger,
    cors,
    checkOrigin: options.checkOrigin ?? cors?.credentials ?? false,
    resumable: options.resumable ? resolveResumable(options.resumable) : null,
  };
}
