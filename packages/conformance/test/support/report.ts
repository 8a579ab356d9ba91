import assert from 'node:assert/strict';
import type { CheckResult, ConformanceReport } from '../../src/index.js';

/** The result of one check, which must be in the report. */
export function result(report: ConformanceReport, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `the report has no check ${id}`);
  return found;
}

/** Every outcome as `id: outcome (reason)`, for assertion messages. */
export function outcomes(report: ConformanceReport): string {
  return report.checks.map((c) => `${c.id}: ${c.outcome} (${c.reason})`).join('\n');
}

/** Asserts each listed check ended as given. */
export function assertOutcomes(report: ConformanceReport, expected: Record<string, CheckResult['outcome']>): void {
  for (const [id, outcome] of Object.entries(expected)) {
    assert.equal(result(report, id).outcome, outcome, `${id} should be ${outcome}:\n${outcomes(report)}`);
  }
}

/** Asserts every check, required and optional, passed. */
export function assertAllPassed(report: ConformanceReport): void {
  const notPassed = report.checks.filter((c) => c.outcome !== 'pass');
  assert.deepEqual(notPassed, [], `every check should pass:\n${outcomes(report)}`);
  assert.equal(report.passed, true);
  assert.equal(report.stopped, null);
}
