#!/usr/bin/env node
import { runCli } from './run-cli.js';

// Ctrl-C once stops cleanly (the summary says what went on); a second one exits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
  process.once('SIGINT', () => process.exit(130));
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  signal: interrupt.signal,
});
process.exitCode = code;
// After Ctrl-C, a connection that outlives the abort must not keep the process: it ends
// once its output is written (what is needed to go on is already on disk).
if (interrupt.signal.aborted) process.stdout.write('', () => process.exit(code));
