import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Batch } from '@batch-uploader/protocol';
import { BatchClient, formatSummary, isAbortError, isApiError, readHead, validateFiles, type Candidate } from '@batch-uploader/sdk';
import { expandPaths, fileFromPath } from '@batch-uploader/sdk/node';
import { parseCliArgs, USAGE, UsageError, type CliArgs } from './cli-args.js';
import { pathsAsGiven } from './file-paths.js';
import { fileKey, loadState, removeState, saveState, stateDir, stateFile, type ImportState } from './import-state.js';
import { toJsonReport, type JsonError, type RefusedFile, type ResumeCounts } from './json-report.js';
import { reviewLines, reviewReport } from './review-report.js';
import { sendBatch, type SendContext, type SentBatch } from './send-batch.js';
import { createPlainReporter, createTtyReporter, type Reporter } from './reporter.js';
import { cliVersion } from './version.js';

/** Where the CLI reads its settings and writes its output; the real process, or a test's. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** Draw live bars (true on a terminal) or write plain lines. */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Fires on Ctrl-C: stop uploading and waiting. */
  signal?: AbortSignal;
}

/** Exit statuses of `batch-upload`. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 } as const);

/** Runs `batch-upload` and resolves with its exit status (see {@link EXIT}). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    const parsed = parseCliArgs(argv, io.env);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (parsed === 'version') {
      io.stdout.write(`${cliVersion()}\n`);
      return EXIT.ok;
    }
    args = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`batch-upload: ${error.message}\nRun batch-upload --help for usage.\n`);
    // The line could not be parsed, so --json is looked for as written.
    if (argv.includes('--json')) printJsonError(io, { code: 'USAGE', message: error.message });
    return EXIT.usage;
  }

  const human = args.json ? io.stderr : io.stdout;
  const say = (text: string) => human.write(`${text}\n`);
  const { files: paths, problems } = await expandPaths(args.paths);
  if (problems.length > 0) {
    const lines = problems.map((problem) => {
      const why = problem.reason === 'not-found' ? 'no such file or folder' : problem.reason === 'not-a-file' ? 'not a file or folder' : 'cannot be read';
      return `${problem.path}: ${why}`;
    });
    for (const line of lines) io.stderr.write(`batch-upload: ${line}\n`);
    if (args.json) printJsonError(io, { code: 'BAD_PATH', message: lines.join('; ') });
    return EXIT.usage;
  }
  if (paths.length === 0) {
    io.stderr.write('batch-upload: the folders named hold no files.\n');
    if (args.json) printJsonError(io, { code: 'NO_FILES', message: 'The folders named hold no files.' });
    return EXIT.usage;
  }

  const client = new BatchClient({
    endpoint: args.endpoint,
    ...(args.token ? { getAuthToken: () => args.token } : {}),
    ...(args.resumableThreshold !== undefined ? { resumableThreshold: args.resumableThreshold } : {}),
    ...(args.chunkSize !== undefined ? { resumableChunkSize: args.chunkSize } : {}),
  });
  let limits: Awaited<ReturnType<BatchClient['getLimits']>>;
  try {
    limits = await client.getLimits(io.signal ? { signal: io.signal } : {});
  } catch (error) {
    io.stderr.write(`batch-upload: ${connectionMessage(error, args.endpoint)}\n`);
    if (args.json) printJsonError(io, fatalError(error, args.endpoint));
    return EXIT.usage;
  }

  // Check every file before sending any, so a bad file is named up front.
  const asGiven = pathsAsGiven(args.paths, paths);
  const shown = new Map<string, string>();
  const candidates: Candidate[] = await Promise.all(
    paths.map(async (path, index) => {
      const file = await fileFromPath(path);
      shown.set(String(index), asGiven.get(path) ?? path);
      return { id: String(index), file, head: await readHead(file) };
    }),
  );
  // The CLI splits into batches itself, so only the per-file limits apply here.
  const { accepted, rejected } = validateFiles(candidates, [], { ...limits, max_files: Number.MAX_SAFE_INTEGER });
  const refused: RefusedFile[] = rejected.map((r) => ({ path: shown.get(r.id) ?? r.name, code: r.code, message: r.message }));
  for (const r of refused) say(`refused ${r.path}: ${r.message}`);
  if (accepted.length === 0) {
    say(`Nothing to upload: ${refused.length} ${refused.length === 1 ? 'file was' : 'files were'} refused.`);
    if (args.json) io.stdout.write(`${JSON.stringify(toJsonReport([], refused), null, 2)}\n`);
    return EXIT.failed;
  }

  const chunks: (typeof accepted)[] = [];
  for (let i = 0; i < accepted.length; i += limits.max_files) chunks.push(accepted.slice(i, i + limits.max_files));
  const totalBytes = accepted.reduce((sum, f) => sum + f.size, 0);
  const reporter: Reporter = io.isTTY ? createTtyReporter(io.stderr) : createPlainReporter(human);

  // What an earlier run of this same command left unfinished, unless told to start afresh.
  const statePath = stateFile(stateDir(io.env), args);
  if (args.restart) removeState(statePath);
  const previous = args.restart ? null : loadState(statePath);
  const state: ImportState = previous ?? { version: 1, batches: [], tus: {} };
  const keyOf = new Map<string, string>();
  await Promise.all(
    accepted.map(async (f) => {
      const path = paths[Number(f.id)]!;
      const info = await stat(path);
      keyOf.set(f.id, fileKey(path, info.size, info.mtimeMs));
    }),
  );
  const pathOfKey = new Map(accepted.map((f) => [keyOf.get(f.id)!, shown.get(f.id) ?? f.name]));
  say(
    previous
      ? `Going on with an interrupted import of ${accepted.length} ${accepted.length === 1 ? 'file' : 'files'} (--restart starts afresh).`
      : `Uploading ${accepted.length} ${accepted.length === 1 ? 'file' : 'files'} in ${chunks.length} ${chunks.length === 1 ? 'batch' : 'batches'}.`,
  );

  const run = new AbortController();
  const stopOnSignal = () => run.abort(io.signal?.reason);
  io.signal?.addEventListener('abort', stopOnSignal, { once: true });
  const latest = new Map<string, Batch>();
  const order: string[] = [];
  // Per batch, the keys of its files in the order they arrived, which is the order of its files.
  const keysOf = new Map<string, readonly string[]>();
  const pathAt = (batchId: string, index: number) => pathOfKey.get(keysOf.get(batchId)?.[index] ?? '');
  const pathsOf = () => new Map([...keysOf].map(([id, keys]) => [id, keys.map((key) => pathOfKey.get(key) ?? '')]));
  const failedUploads: Array<{ files: number; message: string }> = [];
  const watchers: Array<Promise<Batch>> = [];
  const resume: ResumeCounts = { files_already_sent: 0, uploads_continued: 0, files_sent: 0 };
  const showProcessing = () => {
    let finished = 0;
    for (const batch of latest.values()) finished += batch.progress.completed + batch.progress.failed + batch.progress.cancelled;
    reporter.processingProgress(finished, accepted.length - failedUploads.reduce((sum, f) => sum + f.files, 0));
  };
  let sentBefore = 0;
  let fatal: unknown = null;
  const reported = new Set<string>();
  const follow = (batchId: string) => {
    order.push(batchId);
    watchers.push(
      client.watchBatch(batchId, {
        signal: run.signal,
        onUpdate: (batch) => {
          latest.set(batch.id, batch);
          for (const [index, file] of batch.files.entries()) {
            if (file.status === 'failed' && !reported.has(file.file_id)) {
              reported.add(file.file_id);
              reporter.line(`failed ${pathAt(batch.id, index) ?? file.filename}: ${file.error?.message ?? 'no reason given'}`);
            }
          }
          showProcessing();
        },
      }),
    );
  };
  const fields = {
    ...(args.patientId ? { patient_id: args.patientId } : {}),
    ...(args.templateId ? { template_id: args.templateId } : {}),
    ...(args.encounterId ? { encounter_id: args.encounterId } : {}),
  };

  try {
    for (const [index, chunk] of chunks.entries()) {
      const label = `batch ${index + 1}/${chunks.length}`;
      const chunkBytes = chunk.reduce((sum, f) => sum + f.size, 0);
      let current: string | null = null;
      const context: SendContext = {
        client,
        tus: limits.resumable?.protocol === 'tus',
        fields,
        priority: args.priority,
        signal: run.signal,
        state,
        save: () => saveState(statePath, state),
        onProgress: (sent) => reporter.uploadProgress(sentBefore + sent, totalBytes),
        onBatch: (batchId, arrivedKeys) => {
          current = batchId;
          // The list grows as files arrive, so a batch's files are named while it is followed.
          keysOf.set(batchId, arrivedKeys);
          if (!order.includes(batchId)) follow(batchId);
        },
        line: (text) => reporter.line(`${label}: ${text}`),
      };
      let sent: SentBatch;
      try {
        sent = await sendBatch(
          chunk.map((f) => ({ key: keyOf.get(f.id)!, file: f.file! })),
          index,
          context,
        );
      } catch (error) {
        if (isAbortError(error)) throw error;
        sentBefore += chunkBytes;
        const arrived = current ? (keysOf.get(current)?.length ?? 0) : 0;
        failedUploads.push({ files: chunk.length - arrived, message: error instanceof Error ? error.message : String(error) });
        // The server refused this batch (4xx): its files failed; other batches may still go through.
        if (isApiError(error) && error.status < 500 && error.code !== 'UNAUTHORIZED' && error.code !== 'RATE_LIMITED') {
          reporter.line(`${label}: ${arrived > 0 ? `${chunk.length - arrived} files ` : ''}refused by the server (${error.code}): ${error.message}`);
          continue;
        }
        throw error;
      }
      sentBefore += chunkBytes;
      reporter.uploadProgress(sentBefore, totalBytes);
      resume.files_already_sent += sent.alreadySent;
      resume.uploads_continued += sent.continued;
      resume.files_sent += sent.sent;
      const already = sent.alreadySent > 0 ? ` (${sent.alreadySent} already there from the interrupted run)` : '';
      const requests = sent.requests === 1 ? '' : ` in ${sent.requests} requests`;
      reporter.line(`${label}: uploaded ${sent.sent} ${sent.sent === 1 ? 'file' : 'files'}${requests} as ${sent.batchId}${already}`);
    }
    const results = await Promise.allSettled(watchers);
    const broken = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (broken) throw broken.reason;
    // Every file arrived and every batch finished: nothing is left to go on with.
    removeState(statePath);
  } catch (error) {
    fatal = error;
    run.abort();
    // Not waited for: a watch that does not end on the abort must not hold the summary
    // back. The last state each one saw is in `latest`.
    for (const watcher of watchers) watcher.catch(() => {});
  } finally {
    io.signal?.removeEventListener('abort', stopOnSignal);
    reporter.stop();
  }

  const batches = order.map((id) => latest.get(id)).filter((b): b is Batch => b !== undefined);
  if (fatal !== null) {
    const interrupted = isAbortError(fatal) || io.signal?.aborted === true;
    const error: JsonError = interrupted ? { code: 'INTERRUPTED', message: INTERRUPTED } : fatalError(fatal, args.endpoint);
    if (args.json) io.stdout.write(`${JSON.stringify(toJsonReport(batches, refused, pathsOf(), error, previous ? resume : undefined), null, 2)}\n`);
    io.stderr.write(interrupted ? `batch-upload: ${INTERRUPTED}\n` : `batch-upload: ${connectionMessage(fatal, args.endpoint)}\n`);
    // Something was sent and recorded: the same command goes on from there.
    if (!interrupted && state.batches.length > 0) io.stderr.write('Run the same command again to go on where it stopped (--restart starts afresh).\n');
    return EXIT.usage;
  }
  if (args.json) io.stdout.write(`${JSON.stringify(toJsonReport(batches, refused, pathsOf(), undefined, previous ? resume : undefined), null, 2)}\n`);

  const review = reviewReport(batches, pathsOf());
  const counts = { completed: 0, failed: 0, cancelled: 0, needsReview: review.held.length, rejectedAtReview: review.rejected.length };
  for (const batch of batches) {
    counts.completed += batch.progress.completed;
    counts.failed += batch.progress.failed;
    counts.cancelled += batch.progress.cancelled;
  }
  counts.failed += failedUploads.reduce((sum, f) => sum + f.files, 0);
  const total = accepted.length + refused.length;
  for (const line of reviewLines(review)) say(line);
  say(`${total} ${total === 1 ? 'file' : 'files'}: ${formatSummary(counts)}` + (refused.length > 0 ? `, ${refused.length} refused before upload` : '') + '.');
  return counts.failed === 0 && counts.cancelled === 0 && refused.length === 0 ? EXIT.ok : EXIT.failed;
}

const INTERRUPTED =
  'Interrupted. Files already uploaded go on processing on the server; run the same command again to send the rest (--restart starts afresh).';

function connectionMessage(error: unknown, endpoint: string): string {
  if (isApiError(error)) {
    if (error.code === 'UNAUTHORIZED') return `the server at ${endpoint} needs a valid token (--token or BATCH_UPLOAD_TOKEN).`;
    return `the server answered ${error.status} ${error.code}: ${error.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `cannot reach the batch API at ${endpoint}: ${message}`;
}

/** A fatal error as `--json` prints it: the server's code when it answered, else UNREACHABLE. */
function fatalError(error: unknown, endpoint: string): JsonError {
  if (isApiError(error)) return { code: error.code, message: connectionMessage(error, endpoint), status: error.status };
  return { code: 'UNREACHABLE', message: connectionMessage(error, endpoint) };
}

/** The `--json` output of a run that stopped before any batch: the error alone. */
function printJsonError(io: CliIo, error: JsonError): void {
  io.stdout.write(`${JSON.stringify(toJsonReport([], [], new Map(), error), null, 2)}\n`);
}
