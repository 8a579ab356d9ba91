import type { Outcome } from '../check.js';
import type { CheckResult, ConformanceReport } from '../run-conformance.js';

/** Paints text for a terminal, or leaves it plain. */
export interface Paint {
  outcome(outcome: Outcome, text: string): string;
  dim(text: string): string;
}

const COLORS: Record<Outcome, number> = { pass: 32, fail: 31, skip: 33, unsupported: 90 };
const LABELS: Record<Outcome, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP', unsupported: 'N/A' };

/** ANSI colours when `color`, else plain text. */
export function paint(color: boolean): Paint {
  return {
    outcome: (outcome, text) => (color ? `\u001b[${COLORS[outcome]}m${text}\u001b[39m` : text),
    dim: (text) => (color ? `\u001b[2m${text}\u001b[22m` : text),
  };
}

/** Width of the id column: the longest id. */
export function idWidth(ids: readonly string[]): number {
  return Math.max(...ids.map((id) => id.length));
}

/** One row of the table: outcome, id, required or optional, and the reason. */
export function row(result: CheckResult, width: number, p: Paint): string {
  const label = p.outcome(result.outcome, LABELS[result.outcome].padEnd(4));
  return `${label}  ${result.id.padEnd(width)}  ${p.dim(result.required ? 'required' : 'optional')}  ${result.reason}`;
}

/** The heading above the rows. */
export function heading(baseUrl: string, kitVersion: string, protocolVersion: string): string {
  return `batch-uploader conformance ${kitVersion}: ${baseUrl} (protocol ${protocolVersion})\n`;
}

/** The closing lines: counts of required and optional outcomes, and the verdict. */
export function summary(report: ConformanceReport, p: Paint): string {
  const counts = (c: Record<Outcome, number>) =>
    [
      `${c.pass} passed`,
      `${c.fail} failed`,
      ...(c.skip ? [`${c.skip} skipped or not run`] : []),
      ...(c.unsupported ? [`${c.unsupported} not supported`] : []),
    ].join(', ');
  const lines = [``, `Required: ${counts(report.summary.required)}.`, `Optional: ${counts(report.summary.optional)}.`];
  if (report.stopped !== null) lines.push(p.outcome('fail', `Stopped: ${report.stopped}`));
  else if (report.passed) lines.push(p.outcome('pass', 'The backend passes every required check.'));
  else lines.push(p.outcome('fail', 'The backend fails required checks: the SDK and the element may not work with it.'));
  return lines.join('\n');
}
