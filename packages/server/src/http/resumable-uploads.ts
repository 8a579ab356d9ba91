import { AsyncLocalStorage } from 'node:async_hooks';
import { createWriteStream, mkdirSync } from 'node:fs';
import { chmod, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler, Response } from 'express';
import { FileStore } from '@tus/file-store';
import { ERRORS as TUS_ERRORS, MemoryLocker, Metadata, Server as TusServer, type DataStore, type Upload } from '@tus/server';
import type { ResolvedResumable } from './resumable-options.js';
import { classify } from '../handlers/file-intake.js';
import { callerOf } from '../handlers/context.js';
import type { ResolvedRouterOptions } from '../router-options.js';
import { SNIFF_BYTES } from '../shared/sniff-type.js';
import { ApiError } from './api-error.js';
import { toApiError } from './error-middleware.js';
import { parseBatchId } from './batch-id.js';

/** What a tus hook needs of the Express request it serves, and what it did in it. */
interface RequestContext {
  workspaceId: string;
  baseUrl: string;
  /** The upload this request created (POST), if any, and the batch it names. */
  created?: { id: string; batchId: string | undefined };
  /** The upload whose last byte this request brought, once it joined its batch. */
  finished?: Upload;
}

const NO_SUCH_UPLOAD = 'No upload of yours is at this address: it finished, expired, was ended, or never existed.';

/** Metadata the server adds to an upload: the workspace it belongs to. */
const WORKSPACE_KEY = 'workspace_id';

/**
 * The tus 1.0 route (`{base}/uploads`: creation, creation-with-upload, termination,
 * expiration), built on `@tus/server` with its file store under `resumable.dir`.
 *
 * Every request has passed the router's authentication: a new upload must name, in its
 * `batch_id` metadata, an open batch of the caller's workspace with room for one more
 * file, and is bound to that workspace; another workspace's upload answers 404. An
 * upload whose `Upload-Length` is over the file size limit answers 413 before a byte is
 * stored. These refusals answer with the API's error envelope, as do the tus server's
 * that the API's codes name (too many bytes, a malformed length or metadata, no such
 * upload); the tus protocol's own (a missing `Tus-Resumable`, a wrong offset, a
 * malformed header) with the tus server's plain text. A creation refused after its
 * upload was made is removed: its client never learnt where it was. When its last byte
 * arrives the file joins its batch like an appended file
 * (type decided from its bytes, processed at once) and the upload is removed; unfinished
 * uploads expire after `expireAfterMs` with their bytes. An unfinished upload of a batch
 * that finished (cancelled, closed, or its hold for files ran out: a tab closed for good)
 * can never join it: it is removed with its bytes at once when this process began it,
 * else by the sweep (uploads the store can list: the file store's, `listUploads`).
 */
export function resumableUploads(options: ResolvedRouterOptions, resumable: ResolvedResumable): RequestHandler {
  const { engine, limits, logger } = options;
  const context = new AsyncLocalStorage<RequestContext>();
  // Private before the first upload: names and bytes of files wait here.
  mkdirSync(resumable.dir, { recursive: true, mode: 0o700 });
  const files = resumable.store ? null : new FileStore({ directory: resumable.dir, expirationPeriodInMilliseconds: resumable.expireAfterMs });
  const datastore: DataStore = resumable.store ?? files!;
  /** The file size limit in MB (up to two decimals), for messages. */
  const limitMb = Math.round((limits.max_file_size / 1048576) * 100) / 100;
  /** The tus server's refusals that this API's own codes name, in its error envelope; the rest stay tus's plain text. */
  const asRefusal = (error: unknown): Refusal | undefined => {
    switch (error) {
      case TUS_ERRORS.FILE_NOT_FOUND:
        return refusal(new ApiError('NOT_FOUND', { message: NO_SUCH_UPLOAD }));
      case TUS_ERRORS.ERR_MAX_SIZE_EXCEEDED:
        return refusal(new ApiError('FILE_TOO_LARGE', { values: { max_file_size_mb: limitMb }, details: { max_file_size: limits.max_file_size } }));
      case TUS_ERRORS.ERR_SIZE_EXCEEDED:
        return refusal(new ApiError('FILE_TOO_LARGE', { message: "More bytes were sent than the upload's length (Upload-Length)." }));
      case TUS_ERRORS.INVALID_LENGTH:
      case TUS_ERRORS.INVALID_METADATA:
      case TUS_ERRORS.INVALID_TERMINATION:
        return refusal(new ApiError('BAD_REQUEST', { message: `Not a valid tus request: ${(error as Refusal).body.trim()}` }));
      default:
        return undefined;
    }
  };
  /**
   * The store as the tus server sees it. An upload that joined its batch in this request
   * is gone from the store, but the tus server reads it back once more before it answers
   * a creation-with-upload (for `Upload-Expires`): it gets the finished upload rather than
   * "not found", so the client hears 201 and the file's id instead of sending it again.
   * The file store's new files are made private (0600), as the folder is.
   */
  const served = new Proxy(datastore, {
    get(target, property) {
      if (property === 'getUpload') {
        return (id: string) => {
          const finished = context.getStore()?.finished;
          return finished?.id === id ? Promise.resolve(finished) : target.getUpload(id);
        };
      }
      if (property === 'create' && files) {
        return async (upload: Upload) => {
          const created = await files.create(upload);
          await Promise.all([chmod(join(resumable.dir, upload.id), 0o600), chmod(join(resumable.dir, `${upload.id}.json`), 0o600)]);
          return created;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  /** Unfinished uploads this process began, by batch: removed when their batch finishes. */
  const begun = new Map<string, Set<string>>();
  const forget = (batchId: string, id: string) => {
    const ids = begun.get(batchId);
    if (ids?.delete(id) && ids.size === 0) begun.delete(batchId);
  };
  engine.events.subscribeAll(({ batch_id, finished }) => {
    const ids = finished ? begun.get(batch_id) : undefined;
    if (!ids) return;
    begun.delete(batch_id);
    void endUnfinished([...ids]).then((ended) => ended > 0 && logger.info({ batch_id, ended }, 'removed unfinished resumable uploads of a finished batch'));
  });

  /** Removes those of `ids` that are still unfinished, with their bytes; resolves with how many. */
  async function endUnfinished(ids: readonly string[]): Promise<number> {
    const unfinished: string[] = [];
    for (const id of ids) {
      const upload = await datastore.getUpload(id).catch(() => null);
      if (upload && upload.offset !== upload.size) unfinished.push(id);
    }
    return removeUploads(unfinished);
  }

  /** Removes the uploads `ids` with their bytes (one gone already is skipped); resolves with how many. */
  async function removeUploads(ids: readonly string[]): Promise<number> {
    let removed = 0;
    for (const id of ids) {
      await datastore.remove(id).then(
        () => removed++,
        () => undefined,
      );
    }
    return removed;
  }

  /**
   * Removes the unfinished uploads, among those the store can list, whose batch finished
   * or no longer exists (e.g. a batch that finished while another process, or an earlier
   * run of this one, held the upload). Resolves with how many; null when the store cannot list.
   */
  async function endUploadsOfFinishedBatches(): Promise<number | null> {
    const known = [...begun].flatMap(([batchId, ids]) => [...ids].map((id) => [batchId, id] as const));
    const ids = files ? await files.configstore.list?.() : await resumable.store?.listUploads?.();
    if (!ids) return null;
    // Uploads gone since (ended by their client, finished through another instance) are no longer watched.
    const held = new Set(ids);
    for (const [batchId, id] of known) if (!held.has(id)) forget(batchId, id);
    const open = new Map<string, Promise<boolean>>();
    const stale: string[] = [];
    for (const id of ids) {
      const upload = await datastore.getUpload(id).catch(() => null);
      const workspaceId = upload?.metadata?.[WORKSPACE_KEY];
      const batchId = upload?.metadata?.batch_id;
      if (!upload || !workspaceId || !batchId || upload.offset === upload.size) continue;
      const key = `${workspaceId}/${batchId}`;
      if (!open.has(key)) {
        // A failed lookup keeps the upload: only a batch known to be finished or gone ends it.
        const batch = Promise.resolve()
          .then(() => engine.getBatchSummary(workspaceId, parseBatchId(batchId)))
          .then(
            (found) => found !== null && found.finished_at === null && found.cancelled_at === null,
            () => true,
          );
        open.set(key, batch);
      }
      if (!(await open.get(key))) stale.push(id);
    }
    // Each was read above and found unfinished.
    return removeUploads(stale);
  }

  const contextOf = (): RequestContext => {
    const found = context.getStore();
    if (!found) throw new Error('resumable upload hook outside a request');
    return found;
  };

  /** A new upload's batch: named in its metadata, the caller's, open, with room for one more file. */
  async function checkCreation(req: Request, workspaceId: string): Promise<void> {
    const length = req.get('upload-length');
    if (length !== undefined && /^\d+$/.test(length) && Number(length) > limits.max_file_size) {
      throw new ApiError('FILE_TOO_LARGE', {
        values: { max_file_size_mb: limitMb },
        details: { max_file_size: limits.max_file_size },
      });
    }
    let metadata: Record<string, string | null>;
    try {
      metadata = Metadata.parse(req.get('upload-metadata'));
    } catch {
      throw new ApiError('BAD_REQUEST', { message: 'Upload-Metadata must be comma-separated "key base64(value)" pairs.' });
    }
    if (!metadata.batch_id) {
      throw new ApiError('INVALID_FIELD', {
        message: "Name the batch in the upload's metadata: batch_id (from POST /batches).",
        details: { field: 'batch_id' },
      });
    }
    const batchId = parseBatchId(metadata.batch_id);
    const batch = await engine.getBatchSummary(workspaceId, batchId);
    if (!batch) throw new ApiError('BATCH_NOT_FOUND');
    if (batch.finished_at || batch.cancelled_at) throw new ApiError('BATCH_NOT_OPEN');
    if (batch.total_files >= limits.max_files) {
      throw new ApiError('TOO_MANY_FILES', {
        message: `Too many files: this batch holds ${batch.total_files} of at most ${limits.max_files} files, so no more can be added.`,
        details: { max_files: limits.max_files, total_files: batch.total_files },
      });
    }
    await engine.keepHeld(workspaceId, batchId);
  }

  /** The caller's own upload, or a 404 that does not tell whether another workspace has one by that id. */
  async function checkOwner(uploadId: string | undefined, workspaceId: string): Promise<Upload> {
    const upload = uploadId ? await datastore.getUpload(uploadId).catch(() => null) : null;
    if (!upload || upload.metadata?.[WORKSPACE_KEY] !== workspaceId) throw new ApiError('NOT_FOUND', { message: NO_SUCH_UPLOAD });
    return upload;
  }

  /** Hands the finished upload to its batch; the upload's bytes and record are gone afterwards, however it went. */
  async function joinBatch(upload: Upload): Promise<string> {
    const { workspaceId } = contextOf();
    const path = join(resumable.dir, upload.id);
    const metadata = upload.metadata ?? {};
    try {
      // The file store keeps the bytes at `path` already; another store's are put together there.
      if (resumable.store) await pipeline(resumable.store.read(upload.id), createWriteStream(path, { mode: 0o600 }));
      const record = await classify(
        { head: await readHead(path), originalname: metadata.filename ?? 'upload', size: upload.size ?? upload.offset, mimetype: metadata.filetype ?? '' },
        0,
        limits.accepted_types,
      );
      const files = record.blob_key ? [{ record, path }] : [{ record }];
      await engine.appendFiles(workspaceId, metadata.batch_id!, files, { maxFiles: limits.max_files, moreFiles: true });
      logger.info({ batch_id: metadata.batch_id, file_id: record.id, rejected: record.status === 'failed' }, 'resumable upload joined its batch');
      return record.id;
    } catch (error) {
      throw refusal(toApiError(error));
    } finally {
      await rm(path, { force: true });
      // The file store's remove() would fail on the bytes moved away: only its record goes.
      await (files ? files.configstore.delete(upload.id) : datastore.remove(upload.id)).catch(() => undefined);
    }
  }

  const tus = new TusServer({
    path: '/uploads',
    datastore: served,
    locker: new MemoryLocker(),
    maxSize: limits.max_file_size,
    // The router's CORS grants apply: the tus server adds no origin of its own.
    allowedOrigins: () => false,
    disableTerminationForFinishedUploads: true,
    generateUrl: (_req, { id }) => `${contextOf().baseUrl}/uploads/${encodeURIComponent(id)}`,
    // Bound to the caller's workspace, over anything the client sent under that name.
    onUploadCreate: async (_req, upload) => {
      const batchId = upload.metadata?.batch_id;
      if (batchId) begun.set(batchId, (begun.get(batchId) ?? new Set()).add(upload.id));
      contextOf().created = { id: upload.id, batchId: batchId ?? undefined };
      return { metadata: { ...upload.metadata, [WORKSPACE_KEY]: contextOf().workspaceId } };
    },
    onUploadFinish: async (_req, upload) => {
      const batchId = upload.metadata?.batch_id;
      if (batchId) forget(batchId, upload.id);
      const fileId = await joinBatch(upload);
      contextOf().finished = upload;
      return { headers: { 'Upload-File-Id': fileId } };
    },
    onResponseError: (_req, error) => (isRefusal(error) ? error : asRefusal(error)),
  });
  // Unfinished uploads are swept every `sweepIntervalMs` while the engine runs, and on a
  // request to the route when a sweep is due (the first request after a start).
  let lastSweep = 0;
  let sweeping: Promise<void> | null = null;
  /** One sweep at a time: a request finding one due while the timer's runs waits for that one. */
  const sweep = (): Promise<void> => {
    sweeping ??= (async () => {
      lastSweep = Date.now();
      await Promise.all([
        tus.cleanUpExpiredUploads().then(
          (removed) => removed > 0 && logger.info({ removed }, 'removed expired resumable uploads'),
          (error: unknown) => logger.warn({ error_class: (error as Error)?.name }, 'sweeping expired resumable uploads failed'),
        ),
        endUploadsOfFinishedBatches().then(
          (removed) => removed && logger.info({ removed }, 'removed unfinished resumable uploads of finished batches'),
          (error: unknown) => logger.warn({ error_class: (error as Error)?.name }, 'sweeping uploads of finished batches failed'),
        ),
      ]);
    })().finally(() => (sweeping = null));
    return sweeping;
  };
  engine.addSweep(resumable.sweepIntervalMs, sweep);

  return async (req: Request, res: Response) => {
    const workspaceId = callerOf(res).workspace_id;
    // Refusals of this API's own rules answer with its error envelope, before the tus server sees the request.
    if (req.method === 'POST') await checkCreation(req, workspaceId);
    else {
      const upload = await checkOwner(typeof req.params.upload_id === 'string' ? req.params.upload_id : undefined, workspaceId);
      // Bytes are arriving for the batch: its hold for files starts again from now, and
      // again every half hold while the request lasts, so a long upload (a large scan over
      // a slow link, even one part taking longer than the hold) does not find its batch finished.
      const batchId = upload.metadata?.batch_id;
      if (req.method === 'PATCH' && batchId) {
        await engine.keepHeld(workspaceId, batchId);
        const renew = setInterval(() => void engine.keepHeld(workspaceId, batchId).catch(() => undefined), Math.max(engine.appendHoldMs / 2, 100));
        res.once('close', () => clearInterval(renew));
      }
    }
    if (Date.now() - lastSweep >= resumable.sweepIntervalMs) void sweep();
    const state: RequestContext = { workspaceId, baseUrl: req.baseUrl };
    await context.run(state, () => tus.handle(req, res));
    // A creation refused after the upload was made (its body longer than Upload-Length,
    // say) never told the client where the upload is: nothing can continue it.
    const { created, finished } = state;
    if (created && created.id !== finished?.id && res.statusCode !== 201) {
      await datastore.remove(created.id).catch(() => undefined);
      if (created.batchId) forget(created.batchId, created.id);
    }
  };
}

/** A refusal the tus server answers with as is: the API's error envelope and status. */
interface Refusal {
  status_code: number;
  body: string;
}

function refusal(error: ApiError): Refusal {
  return { status_code: error.status, body: JSON.stringify(error.toJSON()) };
}

function isRefusal(error: unknown): error is Refusal {
  return typeof (error as Refusal | null)?.status_code === 'number' && typeof (error as Refusal).body === 'string' && (error as Refusal).body.startsWith('{');
}

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
