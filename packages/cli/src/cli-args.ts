import { parseArgs } from 'node:util';
import { FIELD_PATTERN, MAX_FIELD_LENGTH, type BatchPriority } from '@batch-uploader/protocol';

/** The command line, checked. */
export interface CliArgs {
  endpoint: string;
  token: string | undefined;
  patientId: string | undefined;
  templateId: string | undefined;
  encounterId: string | undefined;
  priority: BatchPriority | undefined;
  json: boolean;
  /** Ignore (and remove) what an interrupted run of the same command left to go on with. */
  restart: boolean;
  /** Smallest file, in bytes, sent through the server's resumable route (tus). */
  resumableThreshold: number | undefined;
  /** Bytes per tus request. */
  chunkSize: number | undefined;
  paths: string[];
}

/** What `--help` prints. */
export const USAGE = `Usage: batch-upload --endpoint URL [options] FILES_OR_FOLDERS...

Uploads documents (PDF, PNG, JPEG, TIFF, WebP) to a batch-uploader server, in as
many batches as the server's per-batch limit needs, and waits until every file
is processed. Folders are searched recursively; hidden files are skipped.

Options:
  --endpoint URL        Batch API base URL, e.g. http://localhost:3000/api/gp
                        (or BATCH_UPLOAD_ENDPOINT)
  --token TOKEN         Bearer token (or BATCH_UPLOAD_TOKEN, which keeps it out
                        of the process list)
  --patient-id ID       Patient the documents belong to (never printed)
  --template-id ID      Processing template
  --encounter-id ID     Encounter (visit)
  --priority LEVEL      high, normal or low
  --restart             Start afresh, ignoring what an interrupted run of the
                        same command left to go on with
  --resumable-threshold BYTES
                        Send files of this size or more through the server's
                        resumable route (default 8388608, 8 MiB)
  --chunk-size BYTES    Bytes per resumable request (default: the server's advice)
  --json                Print the final status of every batch as JSON on stdout,
                        each file with its path; a fatal error as {"error": …}
  -v, --version         Print the version
  -h, --help            Show this help

An interrupted import (Ctrl-C, a killed process, a lost connection) goes on
when the same command is run again: files already in the batch are not sent
again, and a large file goes on from the bytes the server holds.

Exit status: 0 every file completed, 1 some file failed or was refused,
2 usage or connection error.`;

/** A command line that cannot run; the message says what to fix. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses and checks argv (without node and script); `help` or `version` when -h/--help or -v/--version was given. */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliArgs | 'help' | 'version' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        endpoint: { type: 'string' },
        token: { type: 'string' },
        'patient-id': { type: 'string' },
        'template-id': { type: 'string' },
        'encounter-id': { type: 'string' },
        priority: { type: 'string' },
        json: { type: 'boolean', default: false },
        restart: { type: 'boolean', default: false },
        'resumable-threshold': { type: 'string' },
        'chunk-size': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (values.version) return 'version';

  const endpoint = values.endpoint ?? env.BATCH_UPLOAD_ENDPOINT;
  if (!endpoint) throw new UsageError('Missing --endpoint: the batch API URL, e.g. --endpoint http://localhost:3000/api/gp');
  if (!/^https?:\/\//i.test(endpoint)) throw new UsageError('--endpoint must be an http:// or https:// URL.');
  if (positionals.length === 0) throw new UsageError('Name at least one file or folder to upload.');
  const priority = values.priority;
  if (priority !== undefined && priority !== 'high' && priority !== 'normal' && priority !== 'low') {
    throw new UsageError('--priority must be high, normal or low.');
  }
  return {
    endpoint,
    token: values.token ?? (env.BATCH_UPLOAD_TOKEN || undefined),
    patientId: field('--patient-id', values['patient-id']),
    templateId: field('--template-id', values['template-id']),
    encounterId: field('--encounter-id', values['encounter-id']),
    priority,
    json: values.json,
    restart: values.restart,
    resumableThreshold: bytes('--resumable-threshold', values['resumable-threshold'], 0),
    chunkSize: bytes('--chunk-size', values['chunk-size'], 1),
    paths: positionals,
  };
}

// Checked here so a typo fails before minutes of uploading, with the server's own rule.
function field(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text.length > MAX_FIELD_LENGTH || !FIELD_PATTERN.test(text)) {
    // The value itself is not echoed: it may be a patient id.
    throw new UsageError(`${name} may hold up to ${MAX_FIELD_LENGTH} letters, digits and . _ : - characters.`);
  }
  return text;
}

function bytes(name: string, value: string | undefined, least: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < least)
    throw new UsageError(`${name} must be a whole number of bytes${least > 0 ? `, at least ${least}` : ''}.`);
  return n;
}
