import { DEFAULT_LIMITS, type Limits } from '@batch-uploader/protocol';
import { SessionError } from '../errors/session-error.js';
import { ContentChecks, type CheckedHead } from './content-checks.js';
import { hashSameSized } from './content-hash.js';
import type { SessionCore } from './session-core.js';
import type { RejectedFile, SessionFile, SessionState } from './session-state.js';
import { readHeads } from './sniff-type.js';
import { checkContent, declaresAcceptedType, validateFiles, type Candidate } from './validate-files.js';

/** A file the session can take: a browser `File`, a Node `File`, or a Blob with a name. */
export type FileInput = Blob & { name?: string; lastModified?: number };

/** What `BatchSession.addFiles` did. */
export interface AddFilesResult {
  /**
   * Files added, now `queued`. Those accepted by their declared type may still leave for
   * `state.rejected` once their content was checked (see `BatchSession.whenChecked`).
   */
  files: readonly SessionFile[];
  /** Files refused, with reasons. */
  rejected: readonly RejectedFile[];
}

/** A queued file whose first bytes are still to be read, with the limits it was accepted under. */
interface QueuedCheck {
  readonly id: string;
  readonly file: Blob;
  readonly queued: SessionFile;
  readonly limits: Limits;
}

/**
 * How files enter a session: checked against the limits and the files already there, then
 * `queued` (or refused, with a reason), in one state update however many there are. When
 * that needs waiting — the server's limits, the first bytes of files that declare no
 * accepted type, content hashes — the files are in the state at once as `checking`, and
 * take their place (or leave for `rejected`) when decided. Files queued by their declared
 * type have their content checked in the background afterwards.
 */
export class FileIntake {
  readonly #core: SessionCore;
  /** Content hashes by file, when duplicates are also found by content. */
  readonly #hashes: WeakMap<Blob, string | null> | null;
  readonly #checks = new ContentChecks<QueuedCheck>((checked) => this.#decideChecks(checked));
  /** `addFiles` calls that wait for something before they decide. */
  readonly #taking = new Set<Promise<unknown>>();
  #limitsLoading: Promise<Limits> | null = null;
  #nextId = 0;

  constructor(core: SessionCore, options: { limits?: Limits | undefined; detectDuplicateContent?: boolean | undefined }) {
    this.#core = core;
    this.#hashes = options.detectDuplicateContent ? new WeakMap() : null;
    if (options.limits) core.store.set((s) => ({ ...s, limits: options.limits! }));
  }

  /** Files whose content check has not ended. */
  get checking(): number {
    return this.#checks.pending;
  }

  add(input: Iterable<FileInput> | ArrayLike<FileInput>): Promise<AddFilesResult> {
    const core = this.#core;
    core.assertUsable();
    if (core.state.phase !== 'idle')
      throw new SessionError('BATCH_NOT_OPEN', 'Files can only be added before the upload starts; call reset() for a new batch.');
    const candidates: Candidate[] = Array.from(input as ArrayLike<FileInput>, (file) => ({ id: `f${++this.#nextId}`, file, head: null }));
    const known = core.state.limits;
    if (known && !this.#hashes && candidates.every(({ file }) => declaresAcceptedType(file, known))) {
      return Promise.resolve(this.#decide(candidates, known, false));
    }
    // Listed at once; decided once the limits, first bytes or hashes are known.
    core.store.set((s) => ({ ...s, files: [...s.files, ...candidates.map(checkingFile)] }));
    const taking = this.#take(candidates);
    this.#taking.add(taking);
    const done = () => this.#taking.delete(taking);
    taking.then(done, done);
    return taking;
  }

  /** Resolves once every file added so far was decided and had its content checked. */
  async whenChecked(): Promise<void> {
    while (this.#taking.size > 0) await Promise.allSettled([...this.#taking]);
    await this.#checks.settled();
  }

  /** Resolves when no content check runs any more; rejects when `signal` aborts first. */
  settled(signal: AbortSignal): Promise<void> {
    return this.#checks.settled(signal);
  }

  limits(): Promise<Limits> {
    const known = this.#core.state.limits;
    if (known) return Promise.resolve(known);
    this.#limitsLoading ??= this.#core.client.getLimits().then(
      (limits) => {
        this.#core.store.set((s) => ({ ...s, limits }));
        return limits;
      },
      () => {
        // The server checks again on upload; a later addFiles asks once more.
        this.#limitsLoading = null;
        return DEFAULT_LIMITS;
      },
    );
    return this.#limitsLoading;
  }

  remove(id: string): void {
    const before = this.#core.state;
    const idle = before.phase === 'idle';
    if (idle) this.#checks.forget([id]);
    this.#core.store.set((s) => {
      const files = idle ? s.files.filter((f) => f.id !== id) : s.files;
      const rejected = s.rejected.filter((f) => f.id !== id);
      return files.length === s.files.length && rejected.length === s.rejected.length ? s : { ...s, files, rejected };
    });
    this.#emitRemoved(before);
  }

  clear(): void {
    const before = this.#core.state;
    const idle = before.phase === 'idle';
    if (idle) this.#checks.forget();
    this.#core.store.set((s) => (s.files.length === 0 && s.rejected.length === 0 ? s : { ...s, files: idle ? [] : s.files, rejected: [], error: null }));
    this.#emitRemoved(before);
  }

  /** `files-removed` for what left the state since `before` (nothing else changes the lists in between). */
  #emitRemoved(before: SessionState): void {
    const after = this.#core.state;
    if (after === before) return;
    const keptFiles = new Set(after.files);
    const keptRejected = new Set(after.rejected);
    const files = before.files.filter((f) => !keptFiles.has(f));
    const rejected = before.rejected.filter((r) => !keptRejected.has(r));
    if (files.length > 0 || rejected.length > 0) this.#core.events.emit('files-removed', { files, rejected });
  }

  clearRejected(): void {
    this.#core.store.set((s) => (s.rejected.length === 0 ? s : { ...s, rejected: [] }));
  }

  /** Drops every check under way: the files they were for are gone (reset, attach). */
  forget(): void {
    this.#checks.forget();
  }

  /** Stops checking for good (dispose). */
  stop(): void {
    this.#checks.stop();
  }

  async #take(candidates: readonly Candidate[]): Promise<AddFilesResult> {
    const limits = await this.limits();
    const unread = candidates.filter(({ file }) => !declaresAcceptedType(file, limits));
    const heads = await readHeads(unread.map(({ file }) => file));
    unread.forEach((candidate, i) => (candidate.head = heads[i] ?? null));
    const hashes = this.#hashes;
    if (hashes) {
      const present = this.#core.state.files.flatMap((f) => (f.file && f.status !== 'checking' ? [f.file] : []));
      await hashSameSized(
        candidates.map(({ file }) => file),
        present,
        limits.max_file_size,
        hashes,
      );
    }
    return this.#decide(candidates, limits, true, new Set(unread.map(({ id }) => id)));
  }

  /**
   * Validates files against the state as it is now (another addFiles may have ended
   * meanwhile) in one update. Files listed as `checking` take their verdict in place;
   * those that left meanwhile (removed, cleared, reset, or the upload began) are forgotten.
   */
  #decide(candidates: readonly Candidate[], limits: Limits, listed: boolean, read: ReadonlySet<string> = new Set()): AddFilesResult {
    const core = this.#core;
    const state = core.state;
    if (core.disposed || state.phase !== 'idle') return { files: [], rejected: [] };
    const present = listed ? new Set(state.files.map((f) => f.id)) : null;
    const offered = present ? candidates.filter(({ id }) => present.has(id)) : candidates;
    if (listed && offered.length === 0) return { files: [], rejected: [] };
    const existing = listed ? state.files.filter((f) => f.status !== 'checking') : state.files;
    const hashes = this.#hashes;
    const { accepted, rejected } = validateFiles(offered, existing, limits, hashes ? (file) => hashes.get(file) : undefined);
    if (listed) {
      const verdicts = new Map<string, SessionFile | null>(offered.map(({ id }) => [id, null]));
      for (const file of accepted) verdicts.set(file.id, file);
      core.store.set((s) => ({
        ...s,
        files: s.files.flatMap((f) => (verdicts.has(f.id) ? (verdicts.get(f.id) ?? []) : [f])),
        rejected: rejected.length > 0 ? [...s.rejected, ...rejected] : s.rejected,
      }));
    } else if (accepted.length > 0 || rejected.length > 0) {
      core.store.set((s) => ({ ...s, files: [...s.files, ...accepted], rejected: [...s.rejected, ...rejected] }));
    }
    this.#checks.add(accepted.filter(({ id }) => !read.has(id)).map((queued) => ({ id: queued.id, file: queued.file!, queued, limits })));
    core.events.emit('files-added', { files: accepted, rejected });
    if (rejected.length > 0) core.events.emit('files-rejected', { rejected, afterCheck: false });
    return { files: accepted, rejected };
  }

  /**
   * Shows what the first bytes of files queued by their declared type said, in one
   * update: a file whose content is not an accepted type leaves `files` for `rejected`
   * (only while it is not sent: `start()` waits for the checks), another may learn its
   * type by content. Files no longer in the session are left alone.
   */
  #decideChecks(checked: ReadonlyArray<CheckedHead<QueuedCheck>>): void {
    const refusals = new Map<string, RejectedFile>();
    const types = new Map<string, string>();
    for (const { check, head } of checked) {
      const verdict = checkContent(check.queued, head, check.limits);
      if ('code' in verdict) refusals.set(check.id, verdict);
      else if (verdict.type !== check.queued.type) types.set(check.id, verdict.type);
    }
    if (refusals.size === 0 && types.size === 0) return;
    const refused: RejectedFile[] = [];
    this.#core.store.set((s) => {
      let changed = false;
      const files: SessionFile[] = [];
      for (const file of s.files) {
        const refusal = refusals.get(file.id);
        const type = types.get(file.id);
        const unsent = file.status === 'queued' || (file.status === 'uploading' && file.bytesSent === 0);
        if (refusal && unsent) refused.push(refusal);
        else if (type !== undefined && type !== file.type) files.push({ ...file, type });
        else {
          files.push(file);
          continue;
        }
        changed = true;
      }
      return changed ? { ...s, files, rejected: refused.length > 0 ? [...s.rejected, ...refused] : s.rejected } : s;
    });
    if (refused.length > 0) this.#core.events.emit('files-rejected', { rejected: refused, afterCheck: true });
  }
}

/** A file listed while the session decides on it: what it says of itself, nothing read yet. */
function checkingFile({ id, file }: Candidate): SessionFile {
  const { name, size, type, lastModified } = file;
  return {
    id,
    name: typeof name === 'string' && name !== '' ? name : 'blob',
    size,
    type,
    lastModified: typeof lastModified === 'number' ? lastModified : 0,
    file,
    status: 'checking',
    bytesSent: 0,
    fileId: null,
    error: null,
    result: undefined,
  };
}
