import { CHECKS } from '../checks/index.js';
import { Contract } from '../contract/contract.js';
import { KIT_VERSION, NOT_RUN, displayUrl, exitCodeOf, runConformance } from '../run-conformance.js';
import { parseCliArgs, USAGE, UsageError, type CliArgs } from './cli-args.js';
import { heading, idWidth, paint, row, summary } from './table.js';

/** Somewhere to write text: `process.stdout`, or a test's stream. */
export interface TextOut {
  write(text: string): unknown;
}

/** Where the command reads its settings and writes its output: the real process, or a test's. */
export interface CliIo {
  stdout: TextOut;
  stderr: TextOut;
  /** Colour the table (a terminal without NO_COLOR). */
  color: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** Exit statuses of the command. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 } as const);

const NAME = 'batch-uploader-conformance';

/** Runs the command and resolves with its exit status (see {@link EXIT}). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    const parsed = parseCliArgs(argv, io.env);
    if (parsed === 'help') return print(io.stdout, USAGE);
    if (parsed === 'version') return print(io.stdout, KIT_VERSION);
    if (parsed === 'list') {
      const width = idWidth(CHECKS.map((c) => c.id));
      return print(io.stdout, CHECKS.map((c) => `${c.id.padEnd(width)}  ${c.required ? 'required' : 'optional'}  ${c.title}`).join('\n'));
    }
    args = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${NAME}: ${error.message}\nRun ${NAME} --help for usage.\n`);
    return EXIT.usage;
  }

  const p = paint(io.color && !args.json);
  const width = idWidth(CHECKS.map((c) => c.id));
  if (!args.json) io.stdout.write(`${heading(displayUrl(args.baseUrl), KIT_VERSION, Contract.load().version)}\n`);
  const report = await runConformance({
    baseUrl: args.baseUrl,
    timeoutMs: args.timeoutMs,
    ...(args.token !== undefined ? { token: args.token } : {}),
    onResult: (result) => {
      // Once the run stopped, the rest are all "not run": the summary counts them.
      if (!args.json && !(result.outcome === 'skip' && result.reason === NOT_RUN)) io.stdout.write(`${row(result, width, p)}\n`);
    },
  });
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${summary(report, p)}\n`);
  if (report.stopped !== null) io.stderr.write(`${NAME}: ${report.stopped}\n`);
  return exitCodeOf(report);
}

function print(out: TextOut, text: string): number {
  out.write(`${text}\n`);
  return EXIT.ok;
}
