import type { BatchPriority } from '@batch-uploader/protocol';
import type { UploadFields } from '../client/request-options.js';
import type { UploadFile } from '../client/send-files.js';
import { isAbortError } from '../errors/abort.js';
import { SessionError, asSdkError } from '../errors/session-error.js';
import type { BatchFollower } from './batch-follower.js';
import type { FileIntake } from './file-intake.js';
import type { RememberedUploads } from './remembered-uploads.js';
import { selectCanStart, selectCounts } from './selectors.js';
import type { SessionCore } from './session-core.js';
import type { SessionFile } from './session-state.js';

/** How a session sends its batches. */
export interface UploadSettings {
  fields: UploadFields;
  priority: BatchPriority | undefined;
  /** Least milliseconds between two upload-progress updates of the state. */
  progressIntervalMs: number;
  /** Where the URLs of resumable uploads are kept across a reload (the `resume` option; loaded when first needed), or null. */
  uploads: (() => Promise<RememberedUploads>) | null;
}

/**
 * Sends the queued files as one batch (`BatchClient.uploadBatch`), shows byte progress and
 * each request's files arriving, then hands the batch to the follower; see
 * `BatchSession.start` for what a failure leaves. Files still `checking` are left out,
 * as files dropped after a click on Start. Resolves with the batch id.
 */
export async function runUpload(core: SessionCore, intake: FileIntake, follower: BatchFollower, settings: UploadSettings): Promise<string> {
  if (!selectCanStart(core.state)) throw new SessionError('NO_FILES', 'Nothing to upload: add files first, or call reset() after a finished batch.');
  const signal = core.restartRun();
  const live = () => core.isCurrent(signal);
  const listed = core.state.files.filter((f) => f.status === 'queued' || f.status === 'checking').map((f) => f.id);
  core.updateFiles(listed, (f) => (f.status === 'checking' ? null : { ...f, status: 'uploading', bytesSent: 0 }), 'start', { error: null });
  if (intake.checking > 0) {
    try {
      await intake.settled(signal);
    } catch (error) {
      // Cancelled before a byte left: back to picking files (reset() or dispose() took over otherwise).
      if (live()) core.updateFiles(uploadingIds(core.state.files), (f) => ({ ...f, status: 'queued' }), 'stopped');
      throw error;
    }
    if (!live()) throw new DOMException('The upload was stopped.', 'AbortError');
    if (uploadingIds(core.state.files).length === 0) {
      core.dispatch('stopped');
      throw new SessionError('NO_FILES', 'Nothing to upload: no file passed the check of its content (see state.rejected).');
    }
  }
  const files = core.state.files.filter((f) => f.status === 'uploading');
  const ids = files.map((f) => f.id);
  const idOf = new Map(files.map((f) => [f.file!, f.id]));
  const arrived = new Set<string>();
  const { uploads } = settings;
  const kept = new Set<UploadFile>(); // Files whose resumable upload's URL is kept.
  core.events.emit('upload-started', { files });

  let lastProgress = 0;
  try {
    const response = await core.client.uploadBatch(
      files.map((f) => f.file!),
      {
        fields: settings.fields,
        ...(settings.priority ? { priority: settings.priority } : {}),
        signal,
        onProgress: (progress) => {
          const now = Date.now();
          if (!live() || (now - lastProgress < settings.progressIntervalMs && progress.sent < progress.total)) return;
          lastProgress = now;
          const sent = new Map(progress.files.map((p) => [idOf.get(p.file), p.sent]));
          core.store.set((s) => ({
            ...s,
            files: s.files.map((f) => (f.status === 'uploading' && sent.has(f.id) ? { ...f, bytesSent: sent.get(f.id)! } : f)),
          }));
          core.events.emit('upload-progress', { sent: progress.sent, total: progress.total, percent: progress.percent });
        },
        onBatchCreated: (batchId) => {
          if (!live()) return;
          core.store.set((s) => ({ ...s, batchId }));
          core.events.emit('batch-created', { batchId, totalFiles: selectCounts(core.state).total });
        },
        onUploadUrl: (file, url) => {
          const { batchId } = core.state;
          if (!live() || !uploads || !batchId) return;
          kept.add(file);
          uploads()
            .then((store) => store.remember(batchId, file, url))
            .catch(() => {});
        },
        onPartSent: ({ files: part, fileIds }) => {
          for (const file of part)
            if (kept.delete(file) && uploads)
              uploads()
                .then((store) => store.forget(file))
                .catch(() => {});
          if (!live()) return;
          const partIds = part.map((file) => idOf.get(file)!);
          for (const id of partIds) arrived.add(id);
          // With the server's ids, the batch's files are matched by id rather than by order
          // (files sent through tus arrive after the small ones, whatever their place here).
          const serverIds = new Map(partIds.map((id, i) => [id, fileIds?.[i] ?? null]));
          core.updateFiles(partIds, ({ resuming: _, ...f }) => ({
            ...f,
            status: 'pending',
            bytesSent: f.size,
            fileId: f.fileId ?? serverIds.get(f.id) ?? null,
          }));
        },
        onResuming: (file) => {
          const id = idOf.get(file);
          if (!live() || id === undefined) return;
          core.store.set((s) => ({ ...s, files: s.files.map((f) => (f.id === id && f.status === 'uploading' ? { ...f, resuming: true } : f)) }));
        },
      },
    );
    core.dispatch('sent', { batchId: response.batch_id, batchStatus: 'pending' });
    core.events.emit('upload-completed', { batchId: response.batch_id });
    follower.follow(response.batch_id, signal);
    return response.batch_id;
  } catch (error) {
    if (!live()) throw error; // reset() or dispose() took over.
    const { batchId } = core.state;
    if (batchId && arrived.size > 0 && !isAbortError(error)) {
      // Part of the batch is on the server: follow it; the files that did not arrive failed.
      const { code, message } = asSdkError(error);
      const missing = ids.filter((id) => !arrived.has(id));
      core.updateFiles(missing, ({ resuming: _, ...f }) => ({ ...f, status: 'failed', error: { code, message } }), 'sent', { batchStatus: 'pending', error });
      follower.follow(batchId, signal);
    } else {
      // Nothing to follow (an aborted upload's batch is cancelled): back to picking files.
      const cancelled = isAbortError(error);
      core.updateFiles(ids, ({ resuming: _, ...f }) => ({ ...f, status: 'queued', bytesSent: 0 }), 'stopped', {
        batchId: null,
        error: cancelled ? null : error,
      });
      if (cancelled) throw error;
    }
    core.events.emit('upload-failed', { error });
    throw error;
  }
}

function uploadingIds(files: readonly SessionFile[]): string[] {
  return files.filter((f) => f.status === 'uploading').map((f) => f.id);
}
