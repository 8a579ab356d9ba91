import type { UploadFile } from '../client/send-files.js';
import { isAbortError } from '../errors/abort.js';
import { SessionError } from '../errors/session-error.js';
import type { FileInput } from './file-intake.js';
import type { BatchFollower } from './batch-follower.js';
import type { RememberedUploads } from './remembered-uploads.js';
import type { SessionCore } from './session-core.js';
import type { SessionFile } from './session-state.js';

/** What `addMissingFiles` did with the files it was given. */
export interface MissingFilesResult {
  /** Files sent to the batch. */
  sent: number;
  /** Files left out because the batch has a file of the same name and size already. */
  alreadySent: number;
}

/**
 * Finishes an upload that was interrupted (see `SessionState.interrupted`): the files
 * the person picks again are appended to the held batch, those it has already (same
 * name and size) left out; while files are still missing the batch stays held, and the
 * last of them lets it finish. Or lets it finish without them. Files are sent as the
 * client sends a batch (large ones through tus when the server offers it); a file whose
 * resumable upload the reload cut short goes on from the server's offset (its URL kept
 * in `uploads` by fingerprint).
 */
export class MissingFiles {
  readonly #core: SessionCore;
  readonly #follower: BatchFollower;
  readonly #uploads: (() => Promise<RememberedUploads>) | null;
  #nextId = 0;

  constructor(core: SessionCore, follower: BatchFollower, uploads: (() => Promise<RememberedUploads>) | null) {
    this.#core = core;
    this.#follower = follower;
    this.#uploads = uploads;
  }

  async add(input: Iterable<FileInput> | ArrayLike<FileInput>): Promise<MissingFilesResult> {
    const core = this.#core;
    const { batchId, interrupted } = this.#assertInterrupted();
    const given = Array.from(input as ArrayLike<FileInput>, (file) => ({
      file,
      name: file.name ?? 'blob',
      lastModified: (file as { lastModified?: number }).lastModified ?? 0,
    }));
    // What the server has; files of this page that never reached it (failed while it was away) may go again.
    const known = new Set(core.state.files.filter((f) => f.fileId !== null).map((f) => `${f.name}\u0000${f.size}`));
    const fresh = given.filter(({ file, name }) => !known.has(`${name}\u0000${file.size}`));
    const room = interrupted.expected - interrupted.received;
    if (fresh.length === 0) return { sent: 0, alreadySent: given.length };
    if (fresh.length > room) {
      throw new SessionError('TOO_MANY_FILES', `Only ${room} file${room === 1 ? ' is' : 's are'} missing: pick at most ${room}.`);
    }
    const rows: SessionFile[] = fresh.map(({ file, name, lastModified }) => ({
      id: `m${++this.#nextId}`,
      name,
      size: file.size,
      type: file.type,
      lastModified,
      file,
      status: 'uploading',
      bytesSent: 0,
      fileId: null,
      error: null,
      result: undefined,
    }));
    const ids = new Set(rows.map((row) => row.id));
    const resent = new Set(rows.map((row) => `${row.name}\u0000${row.size}`));
    const signal = core.restartRun(); // The watch stops while sending; it starts again below.
    core.store.set((s) => ({
      ...s,
      // A file of this page that failed to arrive gives its place to the one sent again.
      files: [...s.files.filter((f) => f.fileId !== null || !resent.has(`${f.name}\u0000${f.size}`)), ...rows],
      interrupted: { ...interrupted, sending: true },
      error: null,
    }));
    core.events.emit('upload-started', { files: rows });
    const uploads = this.#uploads ? await this.#uploads().catch(() => null) : null;
    const rowOf = new Map(rows.map((row) => [row.file!, row.id]));
    const resuming = (file: UploadFile) => {
      const id = rowOf.get(file);
      if (id !== undefined && core.isCurrent(signal)) core.updateFiles([id], (f) => (f.status === 'uploading' ? { ...f, resuming: true } : f));
    };
    try {
      const answer = await core.client.appendBatch(
        batchId,
        fresh.map((f) => f.file),
        {
          signal,
          heldFiles: interrupted.received,
          onProgress: (progress) => {
            if (!core.isCurrent(signal)) return;
            const sent = new Map(progress.files.map((p, i) => [rows[i]!.id, p.sent]));
            core.store.set((s) => ({ ...s, files: s.files.map((f) => (sent.has(f.id) ? { ...f, bytesSent: sent.get(f.id)! } : f)) }));
          },
          onResuming: resuming,
          onPartSent: ({ files, fileIds }) => {
            for (const file of files) void uploads?.forget(file);
            if (!core.isCurrent(signal)) return;
            const arrived = new Map(files.map((file, i) => [rowOf.get(file), fileIds?.[i] ?? null]));
            core.updateFiles(
              [...arrived.keys()].filter((id) => id !== undefined),
              ({ resuming: _, ...f }) => ({ ...f, status: 'pending', bytesSent: f.size, fileId: arrived.get(f.id) ?? null }),
            );
          },
          ...(uploads
            ? {
                // A file whose upload the reload cut goes on: shown as resuming, from the server's offset.
                uploadUrlOf: async (file: UploadFile) => {
                  const url = await uploads.urlOf(batchId, file);
                  if (url) resuming(file);
                  return url;
                },
                onUploadUrl: (file: UploadFile, url: string) => void uploads.remember(batchId, file, url),
              }
            : {}),
        },
      );
      // The last of the missing files lets the batch finish (no other request says so).
      const received = answer.total_files;
      if (received >= interrupted.expected) await core.client.closeBatch(batchId).catch(() => {});
      if (!core.isCurrent(signal)) return { sent: fresh.length, alreadySent: given.length - fresh.length };
      core.updateFiles(ids, (f) => ({ ...f, status: 'pending', bytesSent: f.size }), undefined, {
        interrupted: received < interrupted.expected ? { received, expected: interrupted.expected, sending: false } : null,
      });
      core.events.emit('upload-completed', { batchId });
    } catch (error) {
      if (core.isCurrent(signal)) {
        // The files not sent go, and the batch waits for them as before; those that arrived stay.
        const arrived = core.state.files.filter((f) => ids.has(f.id) && f.status === 'pending').length;
        core.updateFiles(ids, (f) => (f.status === 'pending' ? f : null), undefined, {
          interrupted: { ...interrupted, received: interrupted.received + arrived, sending: false },
          error: isAbortError(error) ? null : error,
        });
        if (!isAbortError(error)) core.events.emit('upload-failed', { error });
        this.#follower.follow(batchId, signal);
      }
      throw error;
    }
    this.#follower.follow(batchId, signal);
    return { sent: fresh.length, alreadySent: given.length - fresh.length };
  }

  /**
   * Lets the interrupted batch finish with the files it has (the server closes it), and
   * ends the uploads a reload cut short, so that the server removes their bytes now rather
   * than when they expire.
   */
  async finishWithout(): Promise<void> {
    const core = this.#core;
    const { batchId } = this.#assertInterrupted();
    // Read before the close: once the batch finished, the session forgets them.
    const cut = this.#uploads ? ((await this.#uploads().catch(() => null))?.urls(batchId) ?? []) : [];
    const batch = await core.client.closeBatch(batchId);
    await Promise.all(cut.map((url) => core.client.endResumable(url).catch(() => {})));
    if (core.disposed || core.state.batchId !== batchId) return;
    core.store.set((s) => ({ ...s, interrupted: null }));
    this.#follower.apply(batch);
  }

  #assertInterrupted() {
    this.#core.assertUsable();
    const { batchId, interrupted, connection } = this.#core.state;
    if (!batchId || !interrupted || interrupted.sending) throw new SessionError('BATCH_NOT_OPEN', 'No upload is waiting for files.');
    if (connection !== 'connected') throw new SessionError('UNAVAILABLE', 'The server cannot be reached; try again when it is back.');
    return { batchId, interrupted };
  }
}
