import { parseArgs } from 'node:util';

/** The command line, checked. */
export interface CliArgs {
  baseUrl: string;
  token: string | undefined;
  timeoutMs: number;
  json: boolean;
}

/** What `--help` prints. */
export const USAGE = `Usage: batch-uploader-conformance <base-url> [options]

Checks that the batch-uploader backend at <base-url> speaks the protocol that the
SDK and the <batch-uploader> element rely on, and prints a pass/fail table. It
uploads a few small generated documents (named conformance-*) to the workspace
of the token: point it at a test workspace.

Arguments:
  base-url            The batch API's base URL, e.g. http://localhost:3000/api/gp

Options:
  --token TOKEN       Bearer token (or BATCH_UPLOAD_TOKEN, which keeps it out of
                      the process list); never printed
  --timeout SECONDS   Longest wait for a batch to finish or a live event to come
                      (default 120)
  --json              Print the report as JSON on stdout instead of the table
  --list              List the checks without running them
  -v, --version       Print the version
  -h, --help          Show this help

Exit status: 0 every required check passed, 1 a required check failed,
2 usage error, or the server cannot be reached or requires a token.`;

/** A command line that cannot run; the message says what to fix. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses and checks argv (without node and script). */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliArgs | 'help' | 'version' | 'list' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        token: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        version: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    // node's messages name the option, never its value.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (values.list) return 'list';

  if (positionals.length === 0) throw new UsageError('Name the base URL of the batch API, e.g. http://localhost:3000/api/gp');
  if (positionals.length > 1) throw new UsageError('Name one base URL.');
  const baseUrl = positionals[0]!;
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new UsageError('The base URL must be an http:// or https:// URL, e.g. http://localhost:3000/api/gp');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError('The base URL must be an http:// or https:// URL.');
  if (parsed.username || parsed.password) throw new UsageError('Give credentials with --token, not in the URL.');
  if (parsed.search || parsed.hash) throw new UsageError('The base URL takes no query or fragment.');

  let timeoutMs = 120_000;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!/^\d+(\.\d+)?$/.test(values.timeout.trim()) || !(seconds >= 1 && seconds <= 3600))
      throw new UsageError('--timeout must be a number of seconds from 1 to 3600.');
    timeoutMs = Math.round(seconds * 1000);
  }
  const token = values.token ?? (env.BATCH_UPLOAD_TOKEN || undefined);
  if (token !== undefined && (token === '' || /\s/.test(token))) throw new UsageError('--token must be a token without spaces.');
  return { baseUrl, token, timeoutMs, json: values.json };
}
